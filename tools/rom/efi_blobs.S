/* efi_blobs.S - igdkit's own EFI drivers, built from efi/ by make, carried inside the tool
   so `rom build --igd-helpers` and `rom make` need nothing but the igdkit binary. */
	.section .rodata
	.balign 16
	.globl igdkit_efi_igd_assign
	.globl igdkit_efi_igd_assign_end
igdkit_efi_igd_assign:
	.incbin IGD_ASSIGN_EFI
igdkit_efi_igd_assign_end:
	.balign 16
	.globl igdkit_efi_gop_policy
	.globl igdkit_efi_gop_policy_end
igdkit_efi_gop_policy:
	.incbin GOP_POLICY_EFI
igdkit_efi_gop_policy_end:
	.section .note.GNU-stack,"",@progbits
