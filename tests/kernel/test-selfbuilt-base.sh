#!/usr/bin/env bash
# The self-built kernel, base variant: see selfbuilt.sh.
exec bash "$(dirname "$0")/selfbuilt.sh" base
