#ifndef FAULT_TEST_PAGING_H
#define FAULT_TEST_PAGING_H

/* Run a paging mode (see paging.c): its status, or -1 for no such mode. */
int paging_fault(const char *how);

#endif
