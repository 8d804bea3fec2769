/* gop_policy.c - igdkit's GOP policy driver (EFI boot-service driver, option ROM image 2)
 *
 * Intel's GOP asks the platform for the VBT through PLATFORM_GOP_POLICY_PROTOCOL
 * (revision 1: lid status and VBT). In a VM the VBT is the host's, inside the
 * OpRegion the assignment driver placed at ASLS of 00:02.0. Without
 * etc/igd-opregion in fw_cfg there is no IGD assignment: the driver then
 * returns an error and the firmware unloads it without installing anything.
 */
#include "efi_glue.h"
#include "gop_policy.h"
#include "igd.h"
#include "opregion.h"

static const char banner[] = "igdkit GOP policy driver " IGDKIT_VERSION ": ";

static EFI_GUID policy_guid = PLATFORM_GOP_POLICY_PROTOCOL_GUID;

static struct {
	EFI_PHYSICAL_ADDRESS vbt;	/* the copy handed out, made once */
	UINT32 vbt_size;
} g;

static void say(const char *what)
{
	dbg(banner);
	dbg(what);
}

/* A VM has no lid; Intel's GOPs accept "unsupported" here (what VfioIgdPkg's policy answers too). */
static EFI_STATUS EFIAPI get_lid_status(LID_STATUS *status)
{
	(void)status;
	return EFI_UNSUPPORTED;
}

static EFI_STATUS EFIAPI get_vbt_data(EFI_PHYSICAL_ADDRESS *vbt_address, UINT32 *vbt_size)
{
	EFI_PCI_IO_PROTOCOL *pci;
	struct opregion_info oi;
	struct opregion_vbt v;
	UINT32 asls = 0;
	size_t bad = 0;
	enum opr_status s;

	if (!vbt_address || !vbt_size)
		return EFI_INVALID_PARAMETER;
	if (g.vbt) {
		*vbt_address = g.vbt;
		*vbt_size = g.vbt_size;
		return EFI_SUCCESS;
	}
	pci = efi_pci_at_00_02_0();
	if (!pci || uefi_call_wrapper(pci->Pci.Read, 5, pci, EfiPciIoWidthUint32, IGD_CFG_ASLS, 1, &asls) != EFI_SUCCESS ||
	    !asls) {
		say("GetVbtData: ASLS of 00:02.0 is not set\n");
		return EFI_UNSUPPORTED;
	}
	/* The header says how far the OpRegion reaches (RVDA/RVDS included, capped at 1 MiB);
	   everything after that is bounds-checked against that extent. */
	const uint8_t *op = (const uint8_t *)(UINTN)asls;
	s = opregion_header(op, OPREGION_HEADER_LEN, &oi, &bad);
	if (s == OPR_OK)
		s = opregion_find_vbt(op, oi.extent, &v, &bad);
	if (s != OPR_OK) {
		say("GetVbtData: ");
		dbg(opr_status_str(s));
		dbg_kv("asls", asls);
		dbg_kv("offset", bad);
		dbg_end();
		return EFI_NOT_FOUND;
	}
	EFI_PHYSICAL_ADDRESS a = efi_pages_below_4g(EfiBootServicesData, EFI_SIZE_TO_PAGES(v.size));
	if (!a)
		return EFI_OUT_OF_RESOURCES;
	uint8_t *dst = (uint8_t *)(UINTN)a;
	for (UINTN i = 0; i < v.size; i++)
		dst[i] = op[v.off + i];
	vbt_fix_checksum(dst, v.size);
	g.vbt = a;
	g.vbt_size = v.size;
	say("GetVbtData: VBT @ ");
	dbg_hex(a);
	dbg_kv("size", v.size);
	dbg(v.source == OPR_VBT_RVDA ? " from RVDA\n" : " from mailbox 4\n");
	*vbt_address = g.vbt;
	*vbt_size = g.vbt_size;
	return EFI_SUCCESS;
}

static PLATFORM_GOP_POLICY_PROTOCOL policy = {
	PLATFORM_GOP_POLICY_PROTOCOL_REVISION_01,
	get_lid_status,
	get_vbt_data,
};

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct fwcfg fc;
	struct fwcfg_file f;
	EFI_HANDLE h = image;

	InitializeLib(image, st);
	if (fwcfg_init(&fc, &efi_fwcfg_io) != FWCFG_OK || fwcfg_find(&fc, "etc/igd-opregion", &f) != FWCFG_OK ||
	    !f.size) {
		say("no etc/igd-opregion in fw_cfg: not an IGD assignment, unloading\n");
		return EFI_UNSUPPORTED;
	}
	EFI_STATUS s = uefi_call_wrapper(BS->InstallProtocolInterface, 4, &h, &policy_guid, EFI_NATIVE_INTERFACE, &policy);
	say("PlatformGopPolicy installed");
	dbg_kv("status", s);
	dbg_end();
	return s;
}
