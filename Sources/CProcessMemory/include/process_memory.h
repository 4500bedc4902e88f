#ifndef LIMBER_PROCESS_MEMORY_H
#define LIMBER_PROCESS_MEMORY_H

#include <stddef.h>

/// Asks the kernel to reclaim the resident pages of this program's own read-only segments
/// (code and constants, not data): madvise(MADV_PAGEOUT) on each non-writable PT_LOAD
/// segment of the main executable. Pages shared with another process are left alone by the
/// kernel; reclaimed ones are read back from the executable when next used.
///
/// Returns the number of bytes of address space advised, or -errno of the first failure
/// (EINVAL on kernels before 5.4, which lack MADV_PAGEOUT).
long limber_page_out_program_text(void);

#endif
