/* vtx.c - verdict "vtx": VMX in silicon, IA32_FEATURE_CONTROL (MSR 0x3A), the kernel's vmx flag */
#include "verdict/verdict.h"

#include <stdio.h>
#include <string.h>

void check_vtx(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	char msr[240], cpuid[96];
	if (c->msr_ok == TRI_YES && c->msr_odd_cpu >= 0)
		snprintf(msr, sizeof(msr), "MSR 0x3A = 0x%llx (lock %d, VMX outside SMX %d) on CPU 0, but CPU %d "
					   "differs",
			 (unsigned long long)c->msr_feature_control, (int)(c->msr_feature_control & 1),
			 (int)((c->msr_feature_control >> 2) & 1), c->msr_odd_cpu);
	else if (c->msr_ok == TRI_YES)
		snprintf(msr, sizeof(msr), "MSR 0x3A = 0x%llx (lock %d, VMX outside SMX %d)%s",
			 (unsigned long long)c->msr_feature_control, (int)(c->msr_feature_control & 1),
			 (int)((c->msr_feature_control >> 2) & 1), c->msr_cpus > 1 ? " on every CPU" : "");
	else
		snprintf(msr, sizeof(msr), "MSR 0x3A not readable (%s)", c->msr_err[0] ? c->msr_err : "no msr access");
	snprintf(cpuid, sizeof(cpuid), "CPUID.1:ECX.VMX %s", f->vmx_capable == TRI_YES ? "1"
							     : f->vmx_capable == TRI_NO ? "0" : "unknown");
	bool locked_off = c->msr_ok == TRI_YES && (c->msr_feature_control & 1) && !(c->msr_feature_control & 4);
	bool unlocked = c->msr_ok == TRI_YES && !(c->msr_feature_control & 1);

	if (!c->cpuinfo_ok) {
		struct verdict *v = verdict_add(l, "vtx", locked_off ? V_FIX : V_UNKNOWN);
		verdict_evidence(v, "/proc/cpuinfo not readable; %s; %s", msr, cpuid);
		verdict_advice(v, "%s", locked_off ? "VT-x is disabled and locked by the BIOS: enable \"Intel Virtualization "
						     "Technology\" (VMX) in the BIOS setup"
						   : "run igdkit check as root on the machine itself");
		return;
	}
	if (c->cpu_vmx_flag) {
		struct verdict *v = verdict_add(l, "vtx", V_OK);
		bool ept = strstr(c->vmx_flags, "ept") != NULL;
		verdict_evidence(v, "cpuinfo has the vmx flag%s%s; %s; %s", c->vmx_flags[0] ? ", vmx flags: " : "",
				 c->vmx_flags[0] ? (ept ? "ept present" : "no ept") : "", msr, cpuid);
		if (unlocked)
			verdict_advice(v, "VT-x works. The BIOS left IA32_FEATURE_CONTROL unlocked; Linux locks it with "
					  "VMX on by itself, so nothing to do");
		else if (c->msr_odd_cpu >= 0)
			verdict_advice(v, "VT-x works on CPU 0, but the BIOS configured CPU %d differently: update the "
					  "BIOS if VMs fail to start on some CPUs", c->msr_odd_cpu);
		else if (c->vmx_flags[0] && !ept)
			verdict_advice(v, "VT-x works, but the CPU reports no EPT; KVM on modern kernels needs EPT");
		else
			verdict_advice(v, "nothing to do");
		return;
	}
	struct verdict *v = verdict_add(l, "vtx", V_FIX);
	verdict_evidence(v, "no vmx flag in /proc/cpuinfo; %s; %s%s", msr, cpuid,
			 c->cpu_hypervisor ? "; running under a hypervisor" : "");
	if (f->vmx_capable == TRI_NO && c->cpu_hypervisor)
		verdict_advice(v, "this system runs inside a virtual machine without nested VT-x: run igdkit on the "
				  "real machine (or give the VM the vmx CPU flag)");
	else if (f->vmx_capable == TRI_NO)
		verdict_advice(v, "this CPU has no VT-x (VMX): it cannot run KVM virtual machines");
	else if (locked_off)
		verdict_advice(v, "VT-x is disabled by the BIOS (IA32_FEATURE_CONTROL locked with VMX off): enable "
				  "\"Intel Virtualization Technology\" (VMX) in the BIOS setup, save and power-cycle");
	else
		verdict_advice(v, "Linux cannot use VT-x: enable \"Intel Virtualization Technology\" (VMX) in the BIOS "
				  "setup");
}
