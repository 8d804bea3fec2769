/* efi_glue.h - what both drivers share on the EFI side: ports, debug output, PCI look-ups */
#ifndef IGDKIT_EFI_GLUE_H
#define IGDKIT_EFI_GLUE_H

#include <efi.h>
#include <efilib.h>

#include "fwcfg.h"

/* Each driver's entry point; gnu-efi's crt0 relocates the image, then calls it. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

/* fw_cfg through the real I/O ports (DMA on identity-mapped memory). */
extern const struct fwcfg_io efi_fwcfg_io;

/* QEMU's debug console (isa-debugcon at 0x402): the only output a release OVMF shows from us.
   On a machine without one the writes go nowhere. */
void dbg(const char *s);
void dbg_hex(uint64_t v);
void dbg_kv(const char *key, uint64_t v);	/* " key=0x..." */
void dbg_end(void);				/* newline */

/* The PciIo of the function at 0000:00:02.0, or NULL. */
EFI_PCI_IO_PROTOCOL *efi_pci_at_00_02_0(void);

/* Pages below 4 GiB of the given type; 0 on failure. */
EFI_PHYSICAL_ADDRESS efi_pages_below_4g(EFI_MEMORY_TYPE type, UINTN pages);

#endif
