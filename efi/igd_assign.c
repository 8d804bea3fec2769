/* igd_assign.c - igdkit's IGD assignment driver (EFI boot-service driver, option ROM image 1)
 *
 * QEMU offers the host's OpRegion (fw_cfg etc/igd-opregion) and the stolen
 * memory size (etc/igd-bdsm-size) to guest firmware; OVMF does nothing with
 * them. This driver does what QEMU's docs/igd-assign.txt asks of firmware:
 * the OpRegion copied into ACPI NVS below 4 GiB and its address in ASLS
 * (0xFC), a 1 MiB-aligned reserved block below 4 GiB in BDSM (0x5C or 0xC0).
 * Without etc/igd-opregion (not an IGD assignment) it returns an error before
 * touching anything, so the firmware unloads it.
 */
#include "efi_glue.h"
#include "igd.h"
#include "opregion.h"

/* Off (zeros) unless `igdkit rom build --test-accept` filled it in; see igd.h. */
volatile struct igd_test_accept igdkit_test_accept = { IGD_TEST_ACCEPT_MAGIC, { 0, 0 }, { 0, 0 } };

/* `igdkit rom check` recognises the driver by this line. */
static const char banner[] = "igdkit IGD assignment driver " IGDKIT_VERSION ": ";

static struct {
	uint8_t *opregion;		/* the fw_cfg bytes */
	uint32_t opregion_len;
	EFI_PHYSICAL_ADDRESS nvs;	/* the copy in ACPI NVS, once made */
	bool have_bdsm_size;
	uint64_t bdsm_size;
	bool stolen_done;
	EFI_EVENT ev;
	VOID *reg;
} g;

static void say(const char *what)
{
	dbg(banner);
	dbg(what);
}

static uint32_t cfg_read32(EFI_PCI_IO_PROTOCOL *pci, UINT32 off)
{
	UINT32 v = 0;
	if (uefi_call_wrapper(pci->Pci.Read, 5, pci, EfiPciIoWidthUint32, off, 1, &v) != EFI_SUCCESS)
		return 0xffffffffu;
	return v;
}

static EFI_STATUS cfg_write32(EFI_PCI_IO_PROTOCOL *pci, UINT32 off, UINT32 v)
{
	return uefi_call_wrapper(pci->Pci.Write, 5, pci, EfiPciIoWidthUint32, off, 1, &v);
}

static void copy_bytes(uint8_t *dst, const uint8_t *src, UINTN n)
{
	for (UINTN i = 0; i < n; i++)
		dst[i] = src[i];
}

static void set_opregion(EFI_PCI_IO_PROTOCOL *pci)
{
	UINTN pages = EFI_SIZE_TO_PAGES(g.opregion_len);

	if (!g.nvs) {
		EFI_PHYSICAL_ADDRESS a = efi_pages_below_4g(EfiACPIMemoryNVS, pages);
		if (!a) {
			say("no ACPI NVS pages below 4 GiB for the OpRegion");
			dbg_kv("pages", pages);
			dbg_end();
			return;
		}
		uint8_t *dst = (uint8_t *)(UINTN)a;
		copy_bytes(dst, g.opregion, g.opregion_len);
		for (UINTN i = g.opregion_len; i < pages * EFI_PAGE_SIZE; i++)
			dst[i] = 0;
		g.nvs = a;
	}
	if (cfg_read32(pci, IGD_CFG_ASLS) == (uint32_t)g.nvs)
		return;
	cfg_write32(pci, IGD_CFG_ASLS, (UINT32)g.nvs);
	say("OpRegion @ ");
	dbg_hex(g.nvs);
	dbg_kv("size", g.opregion_len);
	dbg_kv("asls", cfg_read32(pci, IGD_CFG_ASLS));
	dbg_end();
}

static void set_stolen(EFI_PCI_IO_PROTOCOL *pci, const struct igd_target *t)
{
	uint64_t size, base, head, tail;
	EFI_PHYSICAL_ADDRESS a;

	if (g.stolen_done || t->bdsm == IGD_BDSM_NONE)
		return;
	g.stolen_done = true;
	if (g.have_bdsm_size) {
		size = g.bdsm_size;
	} else {
		UINT16 ggc = 0;
		uefi_call_wrapper(pci->Pci.Read, 5, pci, EfiPciIoWidthUint16, IGD_CFG_GGC, 1, &ggc);
		size = igd_gms_bytes(t->gen, t->chv, ggc);
	}
	if (!size) {
		say("no stolen memory to reserve (size 0)\n");
		return;
	}
	UINTN pages = EFI_SIZE_TO_PAGES(size) + EFI_SIZE_TO_PAGES(IGD_STOLEN_ALIGN);
	a = efi_pages_below_4g(EfiReservedMemoryType, pages);
	if (!a) {
		say("no room below 4 GiB for stolen memory");
		dbg_kv("size", size);
		dbg_end();
		return;
	}
	igd_stolen_carve(a, size, &base, &head, &tail);
	if (head)
		uefi_call_wrapper(BS->FreePages, 2, a, head);
	if (tail)
		uefi_call_wrapper(BS->FreePages, 2, base + EFI_SIZE_TO_PAGES(size) * EFI_PAGE_SIZE, tail);
	uefi_call_wrapper(BS->SetMem, 3, (VOID *)(UINTN)base, (UINTN)size, 0);
	/* The low 20 bits are flag bits (lock); keep them. */
	if (t->bdsm == IGD_BDSM_32) {
		cfg_write32(pci, IGD_CFG_BDSM32, (UINT32)base | (cfg_read32(pci, IGD_CFG_BDSM32) & 0xfffff));
	} else {
		cfg_write32(pci, IGD_CFG_BDSM64, (UINT32)base | (cfg_read32(pci, IGD_CFG_BDSM64) & 0xfffff));
		cfg_write32(pci, IGD_CFG_BDSM64 + 4, (UINT32)(base >> 32));
	}
	say("BDSM @ ");
	dbg_hex(base);
	dbg_kv("size", size);
	dbg_kv("reg", t->bdsm == IGD_BDSM_32 ? IGD_CFG_BDSM32 : IGD_CFG_BDSM64);
	dbg_end();
}

static void setup(EFI_PCI_IO_PROTOCOL *pci)
{
	UINTN seg, bus, dev, fn;
	struct igd_target t;

	if (uefi_call_wrapper(pci->GetLocation, 5, pci, &seg, &bus, &dev, &fn) != EFI_SUCCESS || seg != 0)
		return;
	uint32_t id = cfg_read32(pci, 0), cls = cfg_read32(pci, 8) >> 8;
	uint16_t tv = (uint16_t)(igdkit_test_accept.vendor[0] | igdkit_test_accept.vendor[1] << 8);
	uint16_t td = (uint16_t)(igdkit_test_accept.device[0] | igdkit_test_accept.device[1] << 8);
	igd_classify((uint16_t)id, (uint16_t)(id >> 16), cls, (uint8_t)bus, (uint8_t)dev, (uint8_t)fn, tv, td, &t);
	if (!t.accept)
		return;
	if (t.test_device && !g.stolen_done && !g.nvs) {
		say("TEST-ACCEPT build: treating");
		dbg_kv("id", id);
		dbg(" as a Gen12 IGD\n");
	}
	set_opregion(pci);
	set_stolen(pci, &t);
}

/* Runs once at load for the devices already there, then for every PciIo installed later. */
static VOID EFIAPI on_pci_io(EFI_EVENT ev, VOID *ctx)
{
	EFI_HANDLE *hs = NULL;
	UINTN n = 0;

	(void)ev;
	(void)ctx;
	if (uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &PciIoProtocol, NULL, &n, &hs) != EFI_SUCCESS)
		return;
	for (UINTN i = 0; i < n; i++) {
		EFI_PCI_IO_PROTOCOL *pci;
		if (uefi_call_wrapper(BS->HandleProtocol, 3, hs[i], &PciIoProtocol, (void **)&pci) == EFI_SUCCESS)
			setup(pci);
	}
	FreePool(hs);
}

static EFI_STATUS read_fw_cfg(void)
{
	struct fwcfg fc;
	struct fwcfg_file f;
	struct opregion_info oi;
	enum fwcfg_status s;
	size_t bad = 0;

	if (fwcfg_init(&fc, &efi_fwcfg_io) != FWCFG_OK)
		return EFI_UNSUPPORTED;
	if (fwcfg_find(&fc, "etc/igd-opregion", &f) != FWCFG_OK || f.size == 0) {
		say("no etc/igd-opregion in fw_cfg: not an IGD assignment, unloading\n");
		return EFI_UNSUPPORTED;
	}
	if (f.size < OPREGION_HEADER_LEN || f.size > OPREGION_MAX_SIZE) {
		say("etc/igd-opregion has an impossible size");
		dbg_kv("size", f.size);
		dbg_end();
		return EFI_UNSUPPORTED;
	}
	g.opregion = AllocatePool(f.size);
	if (!g.opregion)
		return EFI_OUT_OF_RESOURCES;
	g.opregion_len = f.size;
	if ((s = fwcfg_read(&fc, &f, g.opregion, f.size)) != FWCFG_OK) {
		say(fwcfg_status_str(s));
		dbg_end();
		return EFI_DEVICE_ERROR;
	}
	enum opr_status os = opregion_header(g.opregion, g.opregion_len, &oi, &bad);
	if (os != OPR_OK) {
		say("etc/igd-opregion: ");
		dbg(opr_status_str(os));
		dbg_kv("offset", bad);
		dbg_end();
		return EFI_UNSUPPORTED;
	}
	if (fwcfg_find(&fc, "etc/igd-bdsm-size", &f) == FWCFG_OK) {
		uint8_t b[8];
		if (f.size >= sizeof(b) && fwcfg_read(&fc, &f, b, sizeof(b)) == FWCFG_OK &&
		    igd_bdsm_size_parse(b, sizeof(b), &g.bdsm_size))
			g.have_bdsm_size = true;
		else
			say("etc/igd-bdsm-size unreadable or above 2 GiB; decoding GGC instead\n");
	}
	return EFI_SUCCESS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_STATUS s;

	InitializeLib(image, st);
	if ((s = read_fw_cfg()) != EFI_SUCCESS) {
		if (g.opregion)
			FreePool(g.opregion);
		return s;
	}
	say("OpRegion from fw_cfg");
	dbg_kv("size", g.opregion_len);
	if (g.have_bdsm_size)
		dbg_kv("bdsm-size", g.bdsm_size);
	dbg_end();
	s = uefi_call_wrapper(BS->CreateEvent, 5, EVT_NOTIFY_SIGNAL, TPL_CALLBACK, on_pci_io, NULL, &g.ev);
	if (s == EFI_SUCCESS)
		s = uefi_call_wrapper(BS->RegisterProtocolNotify, 3, &PciIoProtocol, g.ev, &g.reg);
	if (s != EFI_SUCCESS) {
		FreePool(g.opregion);
		return s;
	}
	uefi_call_wrapper(BS->SignalEvent, 1, g.ev);
	return EFI_SUCCESS;
}
