/* vbt_probe.c - TEST ONLY: a driver for the QEMU boot test, never put into a user's ROM
 *
 * At ReadyToBoot (all option ROM drivers have run by then) it prints to the
 * debug console what a GOP would see: ASLS and BDSM of 00:02.0, the OpRegion
 * signature at ASLS, and the result of GetVbtData from the policy protocol,
 * with the VBT's signature and byte sum, so the test can compare them.
 */
#include "efi_glue.h"
#include "gop_policy.h"
#include "igd.h"

static EFI_GUID policy_guid = PLATFORM_GOP_POLICY_PROTOCOL_GUID;
static EFI_GUID ready_to_boot = { 0x7ce88fb3, 0x4bd7, 0x4679, { 0x87, 0xa8, 0xa8, 0xd8, 0xde, 0xe5, 0x0d, 0x2b } };
static bool reported;

static void print_bytes(const uint8_t *p, UINTN n)
{
	char s[2] = { 0, 0 };
	for (UINTN i = 0; i < n; i++) {
		s[0] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
		dbg(s);
	}
}

/* The memory type the firmware's map gives addr (what the OS later sees in E820), or -1. */
static INT64 memory_type(EFI_PHYSICAL_ADDRESS addr)
{
	UINTN n = 0, key, dsize;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &dsize, &dver), *d;
	INT64 type = -1;

	if (!map)
		return -1;
	d = map;
	for (UINTN i = 0; i < n; i++, d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)d + dsize))
		if (addr >= d->PhysicalStart && addr - d->PhysicalStart < d->NumberOfPages * EFI_PAGE_SIZE)
			type = d->Type;
	FreePool(map);
	return type;
}

static VOID EFIAPI report(EFI_EVENT ev, VOID *ctx)
{
	EFI_PCI_IO_PROTOCOL *pci = efi_pci_at_00_02_0();
	PLATFORM_GOP_POLICY_PROTOCOL *pol = NULL;
	UINT32 asls = 0, b32 = 0, b64lo = 0, b64hi = 0;

	(void)ctx;
	if (reported)
		return;
	reported = true;
	uefi_call_wrapper(BS->CloseEvent, 1, ev);
	if (pci) {
		uefi_call_wrapper(pci->Pci.Read, 5, pci, EfiPciIoWidthUint32, IGD_CFG_ASLS, 1, &asls);
		uefi_call_wrapper(pci->Pci.Read, 5, pci, EfiPciIoWidthUint32, IGD_CFG_BDSM32, 1, &b32);
		uefi_call_wrapper(pci->Pci.Read, 5, pci, EfiPciIoWidthUint32, IGD_CFG_BDSM64, 1, &b64lo);
		uefi_call_wrapper(pci->Pci.Read, 5, pci, EfiPciIoWidthUint32, IGD_CFG_BDSM64 + 4, 1, &b64hi);
	}
	dbg("igdkit-probe: 00:02.0");
	dbg_kv("found", pci != NULL);
	dbg_kv("asls", asls);
	dbg_kv("bdsm32", b32);
	dbg_kv("bdsm64", (uint64_t)b64hi << 32 | b64lo);
	if (asls)
		dbg_kv("asls_memtype", (uint64_t)memory_type(asls));
	if (b64lo & ~0xfffffu)
		dbg_kv("bdsm64_memtype", (uint64_t)memory_type(b64lo & ~0xfffffu));
	if (b32 & ~0xfffffu)
		dbg_kv("bdsm32_memtype", (uint64_t)memory_type(b32 & ~0xfffffu));
	dbg_end();
	if (asls) {
		dbg("igdkit-probe: at asls: ");
		print_bytes((const uint8_t *)(UINTN)asls, 16);
		dbg_end();
	}
	if (uefi_call_wrapper(BS->LocateProtocol, 3, &policy_guid, NULL, (void **)&pol) != EFI_SUCCESS || !pol) {
		dbg("igdkit-probe: no PLATFORM_GOP_POLICY_PROTOCOL\n");
		return;
	}
	EFI_PHYSICAL_ADDRESS a = 0;
	UINT32 size = 0;
	LID_STATUS lid = LidOpen;
	EFI_STATUS ls = pol->GetPlatformLidStatus(&lid);
	EFI_STATUS s = pol->GetVbtData(&a, &size);
	dbg("igdkit-probe: policy");
	dbg_kv("revision", pol->Revision);
	dbg_kv("lid_status", ls);
	dbg_kv("GetVbtData", s);
	dbg_kv("address", a);
	dbg_kv("size", size);
	if (s == EFI_SUCCESS && a && size >= 0x20) {
		const uint8_t *v = (const uint8_t *)(UINTN)a;
		uint8_t sum = 0;
		for (UINT32 i = 0; i < size; i++)
			sum = (uint8_t)(sum + v[i]);
		dbg_kv("sum", sum);
		dbg(" signature=");
		print_bytes(v, 20);
	}
	dbg_end();
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_EVENT ev;

	InitializeLib(image, st);
	dbg("igdkit-probe: loaded (TEST ONLY)\n");
	return uefi_call_wrapper(BS->CreateEventEx, 6, EVT_NOTIFY_SIGNAL, TPL_CALLBACK, report, NULL, &ready_to_boot, &ev);
}
