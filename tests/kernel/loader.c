/* modver kernel-test loader: the initramfs's init under QEMU.
 *
 *   loader FILE.ko...
 *
 * For each file, in order: finit_module(fd, "", 0) exactly once (busybox insmod retries and
 * logs twice), then one line
 *   RESULT <file>.ko ok taint=<flags>        (flags from /sys/module/<name>/taint, "-" if none)
 *   RESULT <file>.ko fail errno=<n>
 * followed by the kernel log records that load produced, read from /dev/kmsg:
 *   KMSG <file>.ko <message>
 * <name> is the module name from the file's .modinfo "name=" (fallback: file name, '-' -> '_').
 * At the end: "KTAINT <hex of /proc/sys/kernel/tainted>" and "LOADER-DONE".
 * The harness runs it as PID 1 (rdinit=/bin/loader -- FILE.ko..., the same on every
 * architecture): it first mounts /proc, /sys and /dev and prints "LOADER-START uptime=...",
 * and powers the machine off at the end.
 * Built at test time with `gcc -static -Os`; no binary is kept in the source tree. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

/* Module name from .modinfo, else derived from the file name. */
static void module_name(int fd, const char *path, char *out, size_t outsz) {
  struct stat st;
  snprintf(out, outsz, "%s", base_name(path));
  char *dot = strstr(out, ".ko");
  if (dot) *dot = 0;
  for (char *c = out; *c; c++) if (*c == '-') *c = '_';
  if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) return;
  unsigned char *m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) return;
  const Elf64_Ehdr *eh = (const void *)m;
  size_t size = st.st_size;
  if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
      eh->e_shoff == 0 || eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > size ||
      eh->e_shstrndx >= eh->e_shnum)
    goto out;
  const Elf64_Shdr *sh = (const void *)(m + eh->e_shoff);
  const Elf64_Shdr *strs = &sh[eh->e_shstrndx];
  for (int i = 0; i < eh->e_shnum; i++) {
    if (sh[i].sh_name >= strs->sh_size || strs->sh_offset + strs->sh_size > size) break;
    if (strcmp((const char *)m + strs->sh_offset + sh[i].sh_name, ".modinfo") != 0) continue;
    if (sh[i].sh_offset + sh[i].sh_size > size) break;
    const char *p = (const char *)m + sh[i].sh_offset, *end = p + sh[i].sh_size;
    while (p < end) {
      size_t n = strnlen(p, end - p);
      if (n > 5 && n < end - p && strncmp(p, "name=", 5) == 0) {
        snprintf(out, outsz, "%s", p + 5);
        goto out;
      }
      p += n + 1;
    }
  }
out:
  munmap(m, size);
}

/* Print every /dev/kmsg record not read yet, prefixed for this module file. */
static void drain_kmsg(int kfd, const char *file) {
  char rec[8192];
  if (kfd < 0) return;
  for (;;) {
    ssize_t n = read(kfd, rec, sizeof rec - 1);
    if (n < 0 && errno == EPIPE) continue; /* records overwritten: skip ahead */
    if (n <= 0) return;                    /* EAGAIN: nothing more */
    rec[n] = 0;
    char *msg = strchr(rec, ';');
    if (!msg) continue;
    msg++;
    char *nl = strchr(msg, '\n'); /* continuation lines (" KEY=value") follow; drop them */
    if (nl) *nl = 0;
    printf("KMSG %s %s\n", file, msg);
  }
}

static void read_first_line(const char *path, char *out, size_t outsz) {
  out[0] = 0;
  FILE *f = fopen(path, "r");
  if (!f) return;
  if (fgets(out, outsz, f)) out[strcspn(out, "\n")] = 0;
  fclose(f);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  int is_init = getpid() == 1;
  if (is_init) {
    mount("proc", "/proc", "proc", 0, NULL);
    mount("sysfs", "/sys", "sysfs", 0, NULL);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    char up[64];
    read_first_line("/proc/uptime", up, sizeof up);
    printf("LOADER-START uptime=%s\n", up);
  }
  int kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
  if (kfd < 0)
    printf("LOADER-WARN cannot open /dev/kmsg: %s\n", strerror(errno));
  else
    lseek(kfd, 0, SEEK_END); /* only records produced from now on */
  int failures = 0;
  for (int i = 1; i < argc; i++) {
    const char *file = base_name(argv[i]);
    int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      printf("RESULT %s fail errno=%d open\n", file, errno);
      failures++;
      continue;
    }
    char name[256];
    module_name(fd, argv[i], name, sizeof name);
    long rc = syscall(SYS_finit_module, fd, "", 0);
    int err = errno;
    close(fd);
    if (rc == 0) {
      char path[512], taint[64];
      snprintf(path, sizeof path, "/sys/module/%s/taint", name);
      read_first_line(path, taint, sizeof taint);
      printf("RESULT %s ok taint=%s name=%s\n", file, taint[0] ? taint : "-", name);
    } else {
      printf("RESULT %s fail errno=%d name=%s\n", file, err, name);
      failures++;
    }
    drain_kmsg(kfd, file);
  }
  char t[64];
  read_first_line("/proc/sys/kernel/tainted", t, sizeof t);
  printf("KTAINT %lx\n", strtoul(t, NULL, 10));
  printf("LOADER-DONE %d failed\n", failures);
  if (is_init) {
    sync();
    /* PID 1 must not return: the kernel would panic. A kernel without ACPI only halts on
     * power-off, so the harness may ask (modver_end=reboot on the command line, which the
     * kernel hands to init as an environment variable) for a reboot, which qemu -no-reboot
     * turns into an exit. */
    const char *end = getenv("modver_end");
    reboot(end && strcmp(end, "reboot") == 0 ? RB_AUTOBOOT : RB_POWER_OFF);
  }
  return 0;
}
