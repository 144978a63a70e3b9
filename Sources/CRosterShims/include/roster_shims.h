#ifndef ROSTER_SHIMS_H
#define ROSTER_SHIMS_H

/// Atomically swaps two paths (Linux renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, -1 with errno set otherwise (e.g. EINVAL where the file system lacks support).
int roster_exchange_paths(const char *a, const char *b);

#endif
