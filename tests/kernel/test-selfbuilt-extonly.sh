#!/usr/bin/env bash
# The self-built kernel, extonly variant: see selfbuilt.sh.
exec bash "$(dirname "$0")/selfbuilt.sh" extonly
