/* hostkernel.c - verdict "host_driver": cmdline, who owns 00:02.0, i915 loaded or blacklisted */
#include "verdict/verdict.h"

#include <stdio.h>
#include <string.h>

static bool word_at(const char *cmdline, const char *p, size_t n)
{
	return (p == cmdline || p[-1] == ' ' || p[-1] == '\t') && (p[n] == 0 || p[n] == ' ' || p[n] == '\t' || p[n] == '\n');
}

bool cmdline_has(const char *cmdline, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = cmdline; (p = strstr(p, word)) != NULL; p += n)
		if (word_at(cmdline, p, n))
			return true;
	return false;
}

bool cmdline_has_prefix(const char *cmdline, const char *prefix, char *found, size_t len)
{
	size_t n = strlen(prefix);
	for (const char *p = cmdline; (p = strstr(p, prefix)) != NULL; p += n) {
		if (p != cmdline && p[-1] != ' ' && p[-1] != '\t')
			continue;
		size_t k = strcspn(p, " \t\n");
		if (found && len) {
			size_t c = k < len - 1 ? k : len - 1;
			memcpy(found, p, c);
			found[c] = 0;
		}
		return true;
	}
	return false;
}

void check_hostkernel(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	if (!c->igd)
		return;
	const char *bl = f->i915_blacklisted == TRI_YES ? "i915 blacklisted in /etc/modprobe.d"
			 : f->i915_blacklisted == TRI_NO ? "i915 not blacklisted"
							  : "/etc/modprobe.d not visible";
	const char *ld = f->i915_loaded == TRI_YES ? "i915 loaded" : f->i915_loaded == TRI_NO ? "i915 not loaded"
											      : "modules not visible";
	if (c->on_stick) {
		struct verdict *v = verdict_add(l, "host_driver", V_UNKNOWN);
		verdict_evidence(v, "running on the igdkit stick: driver of 00:02.0 here is \"%s\"; %s",
				 f->igd_driver[0] ? f->igd_driver : "none", ld);
		verdict_advice(v, "the installed host's driver binding is set by igdkit install (vfio-pci at boot)");
		return;
	}
	if (f->vfio_bound == TRI_YES) {
		struct verdict *v = verdict_add(l, "host_driver", V_OK);
		verdict_evidence(v, "00:02.0 is bound to vfio-pci; %s; %s", ld, bl);
		verdict_advice(v, "ready for passthrough");
	} else if (f->vfio_bound == TRI_NO) {
		struct verdict *v = verdict_add(l, "host_driver", V_FIX);
		verdict_evidence(v, "00:02.0 driver: %s; %s; %s", f->igd_driver[0] ? f->igd_driver : "none", ld, bl);
		verdict_advice(v, "bind 00:02.0 to vfio-pci at boot: igdkit install writes \"options vfio-pci "
				  "ids=8086:%04x\" and \"softdep i915 pre: vfio-pci\" and rebuilds the initramfs",
			       f->igd_device_id);
	} else {
		struct verdict *v = verdict_add(l, "host_driver", V_UNKNOWN);
		verdict_evidence(v, "driver binding of 00:02.0 not visible (no sysfs for it); %s", bl);
		verdict_advice(v, "run igdkit check on the Proxmox host itself");
	}
}
