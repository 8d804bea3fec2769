/* gop_policy.h - PLATFORM_GOP_POLICY_PROTOCOL as Intel's GOP looks it up (revision 1) */
#ifndef IGDKIT_EFI_GOP_POLICY_H
#define IGDKIT_EFI_GOP_POLICY_H

#include <efi.h>

#define PLATFORM_GOP_POLICY_PROTOCOL_GUID \
	{ 0xec2e931b, 0x3281, 0x48a5, { 0x81, 0x07, 0xdf, 0x8a, 0x8b, 0xed, 0x3c, 0x5d } }
#define PLATFORM_GOP_POLICY_PROTOCOL_REVISION_01 0x01

typedef enum { LidClosed, LidOpen, LidStatusMax } LID_STATUS;

typedef EFI_STATUS(EFIAPI *GET_PLATFORM_LID_STATUS)(LID_STATUS *status);
typedef EFI_STATUS(EFIAPI *GET_VBT_DATA)(EFI_PHYSICAL_ADDRESS *vbt_address, UINT32 *vbt_size);

typedef struct {
	UINT32 Revision;
	GET_PLATFORM_LID_STATUS GetPlatformLidStatus;
	GET_VBT_DATA GetVbtData;
} PLATFORM_GOP_POLICY_PROTOCOL;

#endif
