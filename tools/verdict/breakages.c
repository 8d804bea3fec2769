/* breakages.c - known failures (reference/failures.md) the machine itself shows:
 * "framebuffer" (#6), "reset" (#5), "sharing" (#10), "cmdline_words" (#7 and igfx_off)
 */
#include "verdict/verdict.h"

#include <stdio.h>
#include <string.h>

static void framebuffer(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	bool fixed = cmdline_has(f->cmdline, "initcall_blacklist=sysfb_init");
	if (f->fb_owns_bar2 == TRI_YES) {
		struct verdict *v = verdict_add(l, "framebuffer", fixed ? V_OK : V_FIX);
		verdict_evidence(v, "/proc/iomem: %s inside 00:02.0 BAR2 at 0x%llx", c->fb_name,
				 (unsigned long long)c->bar2);
		verdict_advice(v, "%s", fixed ? "the next boot's initcall_blacklist=sysfb_init is already on the "
						"command line"
					      : "the firmware framebuffer holds the iGPU aperture (\"BAR 2: can't reserve\"): "
						"add initcall_blacklist=sysfb_init to the host's kernel command line "
						"(igdkit install does)");
	} else if (f->fb_owns_bar2 == TRI_NO) {
		struct verdict *v = verdict_add(l, "framebuffer", V_OK);
		verdict_evidence(v, "no boot framebuffer inside 00:02.0 BAR2 at 0x%llx", (unsigned long long)c->bar2);
		verdict_advice(v, "nothing to do");
	} else {
		struct verdict *v = verdict_add(l, "framebuffer", V_UNKNOWN);
		verdict_evidence(v, "%s", c->iomem_err[0] ? c->iomem_err : "/proc/iomem not read");
		verdict_advice(v, "igdkit install adds initcall_blacklist=sysfb_init anyway when the iGPU is the "
				  "boot display");
	}
}

static void reset(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	/* Nothing the user can change: reported as ok with what to expect. */
	struct verdict *v = verdict_add(l, "reset", f->igd_reset == TRI_UNKNOWN ? V_UNKNOWN : V_OK);
	if (f->igd_reset == TRI_YES)
		verdict_evidence(v, "00:02.0 reset_method: %s", c->igd_reset_method);
	else if (f->igd_reset == TRI_NO)
		verdict_evidence(v, "00:02.0 has no reset method (no FLR or PM reset, as usual for an iGPU)");
	else
		verdict_evidence(v, "reset_method of 00:02.0 not visible");
	verdict_advice(v, "%s", f->igd_reset == TRI_YES ? "nothing to do"
				 : "QEMU will warn \"Cannot reset device 0000:00:02.0, no available reset "
				   "mechanism\" at every VM start: harmless the first time; if a VM restart fails, "
				   "reboot the host");
}

static void sharing(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	char w[96] = "", ev[512] = "";
	size_t n = 0;
	const char *words[] = { "i915.enable_gvt=", "i915.max_vfs=", "i915.enable_guc=" };
	for (size_t i = 0; i < 3; i++)
		if (cmdline_has_prefix(f->cmdline, words[i], w, sizeof(w)) && strcmp(w, "i915.enable_gvt=0") &&
		    strcmp(w, "i915.max_vfs=0"))
			n += (size_t)snprintf(ev + n, sizeof(ev) - n, "%scmdline %s", n ? "; " : "", w);
	if (c->sriov_numvfs > 0 && n < sizeof(ev))
		n += (size_t)snprintf(ev + n, sizeof(ev) - n, "%s%d SR-IOV VFs enabled on 00:02.0", n ? "; " : "",
				      c->sriov_numvfs);
	if (c->mdev_types && n < sizeof(ev))
		n += (size_t)snprintf(ev + n, sizeof(ev) - n, "%sGVT-g mdev types offered by 00:02.0", n ? "; " : "");
	if (n) {
		struct verdict *v = verdict_add(l, "sharing", V_FIX);
		verdict_evidence(v, "%s", ev);
		verdict_advice(v, "GVT-g / SR-IOV share the iGPU through i915 on the host and conflict with full "
				  "passthrough (vfio-pci owns the device): remove these settings, or keep sharing and do "
				  "not use igdkit install");
	} else {
		struct verdict *v = verdict_add(l, "sharing", V_OK);
		verdict_evidence(v, "no GVT-g or SR-IOV settings%s", c->cmdline_ok ? "" : " seen (cmdline not read)");
		verdict_advice(v, "nothing to do");
	}
}

static void cmdline_words(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	if (!c->cmdline_ok) {
		struct verdict *v = verdict_add(l, "cmdline_words", V_UNKNOWN);
		verdict_evidence(v, "/proc/cmdline not readable");
		verdict_advice(v, "run igdkit check on the machine itself");
		return;
	}
	char ev[512] = "", adv[1024] = "", w[96];
	size_t ne = 0, na = 0;
	if (strstr(f->cmdline, "igfx_off")) {
		ne += (size_t)snprintf(ev + ne, sizeof(ev) - ne, "igfx_off ");
		na += (size_t)snprintf(adv + na, sizeof(adv) - na,
				       "remove igfx_off: it makes Linux ignore the iGPU's VT-d unit, so 00:02.0 gets no "
				       "IOMMU group. ");
	}
	if (cmdline_has_prefix(f->cmdline, "intel_iommu=off", w, sizeof(w)) || cmdline_has(f->cmdline, "iommu=off")) {
		ne += (size_t)snprintf(ev + ne, sizeof(ev) - ne, "iommu off ");
		na += (size_t)snprintf(adv + na, sizeof(adv) - na, "remove intel_iommu=off / iommu=off. ");
	}
	if (cmdline_has_prefix(f->cmdline, "pcie_acs_override=", w, sizeof(w))) {
		ne += (size_t)snprintf(ev + ne, sizeof(ev) - ne, "%s ", w);
		na += (size_t)snprintf(adv + na, sizeof(adv) - na,
				       "remove %s: it splits IOMMU groups without hardware isolation (a guest can reach "
				       "host devices)%s. ",
				       w, f->igd_group_alone == TRI_YES ? " and the iGPU is alone in its group anyway" : "");
	}
	if (cmdline_has_prefix(f->cmdline, "vfio_iommu_type1.allow_unsafe_interrupts=1", w, sizeof(w))) {
		ne += (size_t)snprintf(ev + ne, sizeof(ev) - ne, "%s ", w);
		na += (size_t)snprintf(adv + na, sizeof(adv) - na,
				       "remove allow_unsafe_interrupts=1%s. ",
				       f->intr_remap == TRI_YES ? ": this machine has interrupt remapping"
								: " once interrupt remapping is available");
	}
	(void)na;
	while (ne && ev[ne - 1] == ' ')
		ev[--ne] = 0;
	struct verdict *v = verdict_add(l, "cmdline_words", ev[0] ? V_FIX : V_OK);
	verdict_evidence(v, "%s%s; /proc/cmdline: %.400s",
			 ev[0] ? "cmdline has: " : "no igfx_off, iommu=off, ACS override or unsafe interrupts on the cmdline",
			 ev, f->cmdline);
	verdict_advice(v, "%s", adv[0] ? adv : "nothing to do");
}

void check_breakages(const struct host_data *c, struct verdict_list *l)
{
	if (c->igd) {
		framebuffer(c, l);
		reset(c, l);
		sharing(c, l);
	}
	cmdline_words(c, l);
}
