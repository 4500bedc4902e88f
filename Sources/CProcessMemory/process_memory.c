#define _GNU_SOURCE
#include "process_memory.h"

#include <elf.h>
#include <errno.h>
#include <link.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

long limber_page_out_program_text(void) {
    const ElfW(Phdr) *phdr = (const ElfW(Phdr) *)getauxval(AT_PHDR);
    size_t count = (size_t)getauxval(AT_PHNUM);
    if (phdr == NULL || count == 0) return -ENOENT;

    // The load bias: where the program headers are, less where the file says they are.
    uintptr_t bias = 0;
    int found = 0;
    for (size_t i = 0; i < count; i++) {
        if (phdr[i].p_type == PT_PHDR) {
            bias = (uintptr_t)phdr - (uintptr_t)phdr[i].p_vaddr;
            found = 1;
            break;
        }
    }
    if (!found) return -ENOENT;

    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    long advised = 0;
    for (size_t i = 0; i < count; i++) {
        // Writable segments hold data (and RELRO, written at start-up): never these.
        if (phdr[i].p_type != PT_LOAD || (phdr[i].p_flags & PF_W)) continue;
        uintptr_t start = (bias + phdr[i].p_vaddr) & ~(page - 1);
        uintptr_t end = (bias + phdr[i].p_vaddr + phdr[i].p_memsz + page - 1) & ~(page - 1);
        if (end <= start) continue;
        if (madvise((void *)start, end - start, MADV_PAGEOUT) != 0) return -errno;
        advised += (long)(end - start);
    }
    return advised;
}
