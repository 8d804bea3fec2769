/* efi_glue.c - port I/O, debug console and PCI helpers for the drivers */
#include "efi_glue.h"

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void io_outw(void *ctx, uint16_t port, uint16_t v)
{
	(void)ctx;
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static void io_outl(void *ctx, uint16_t port, uint32_t v)
{
	(void)ctx;
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static uint8_t io_inb(void *ctx, uint16_t port)
{
	(void)ctx;
	return inb(port);
}

/* OVMF maps memory 1:1 during boot services. */
static uint64_t io_phys(void *ctx, const volatile void *p)
{
	(void)ctx;
	return (uint64_t)(UINTN)p;
}

const struct fwcfg_io efi_fwcfg_io = { NULL, io_outw, io_outl, io_inb, io_phys };

void dbg(const char *s)
{
	while (*s)
		outb(0x402, (uint8_t)*s++);
}

void dbg_hex(uint64_t v)
{
	char buf[19];
	int n = 0;
	buf[n++] = '0';
	buf[n++] = 'x';
	int shift = 60;
	while (shift > 0 && !((v >> shift) & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		buf[n++] = "0123456789abcdef"[(v >> shift) & 0xf];
	buf[n] = 0;
	dbg(buf);
}

void dbg_kv(const char *key, uint64_t v)
{
	dbg(" ");
	dbg(key);
	dbg("=");
	dbg_hex(v);
}

void dbg_end(void)
{
	dbg("\n");
}

EFI_PCI_IO_PROTOCOL *efi_pci_at_00_02_0(void)
{
	EFI_HANDLE *hs = NULL;
	UINTN n = 0;
	EFI_PCI_IO_PROTOCOL *found = NULL;

	if (uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &PciIoProtocol, NULL, &n, &hs) != EFI_SUCCESS)
		return NULL;
	for (UINTN i = 0; i < n && !found; i++) {
		EFI_PCI_IO_PROTOCOL *pci;
		UINTN seg, bus, dev, fn;
		if (uefi_call_wrapper(BS->HandleProtocol, 3, hs[i], &PciIoProtocol, (void **)&pci) != EFI_SUCCESS)
			continue;
		if (uefi_call_wrapper(pci->GetLocation, 5, pci, &seg, &bus, &dev, &fn) != EFI_SUCCESS)
			continue;
		if (seg == 0 && bus == 0 && dev == 2 && fn == 0)
			found = pci;
	}
	FreePool(hs);
	return found;
}

EFI_PHYSICAL_ADDRESS efi_pages_below_4g(EFI_MEMORY_TYPE type, UINTN pages)
{
	EFI_PHYSICAL_ADDRESS a = 0xffffffffULL;
	if (uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, type, pages, &a) != EFI_SUCCESS)
		return 0;
	return a;
}
