# igdkit: one non-recursive Makefile.
#   make            build/igdkit (the tool), build/igdkit.img (the bootable stick)
#                   and build/igdkit.iso (CD, BMC virtual media, Ventoy)
#   make test       unit tests (plain, ASan+UBSan), fuzz seed corpora, QEMU boot tests
#   make fuzz       a fuzzing campaign: every target for FUZZ_SECONDS (or FUZZ_RUNS) each
#   make fuzz-merge keep what the campaign found in tests/fuzz/corpus
#   make bench      image size, build time, boot time, parser speed, fuzz runs/s
# Nothing here runs as root; when a build tool is missing, image/deps.sh says
# which apt-get command installs it (or runs it, when make itself runs as root).

VERSION  := $(shell cat VERSION)
B        := build
FIXTURES ?= ../shared/fixtures
# initrd compression: zstd booted fastest over SeaBIOS, OVMF and OVMF Secure Boot
# (xz is smaller, but the kernel inflates it several times slower; lz4 is larger)
INITRD_COMP ?= zstd
CC       ?= cc
CLANG    ?= clang

WARN     := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wshadow -Wformat=2 -Wvla
CPPFLAGS := -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -DIGDKIT_VERSION='"$(VERSION)"' -Itools -I.
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 $(WARN)
LDLIBS   := -Wl,--as-needed -lpci -lefivar -lefiboot -llzma -lbrotlidec -lnettle -ldialog -lncursesw -lm -ldl

SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

TOOL_SRC := $(sort $(shell find tools -name '*.c'))
# The EFI drivers' parsers are plain C: the tests and fuzz targets build them for the host too.
EFI_HOST_SRC := efi/fwcfg.c efi/opregion.c efi/igd.c
LIB_SRC  := $(filter-out tools/main.c,$(TOOL_SRC)) $(EFI_HOST_SRC)
# igdkit carries its own EFI drivers (rom build --igd-helpers): one object of plain data.
EFI_BLOB := $(B)/obj/efi_blobs.o
# check reads a machine's OpRegion with the drivers' own parser.
OBJ      := $(TOOL_SRC:%.c=$(B)/obj/%.o) $(B)/obj/efi/opregion.o $(EFI_BLOB)
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o) $(EFI_BLOB)
ASAN_LIB_OBJ := $(LIB_SRC:%.c=$(B)/asan/%.o) $(EFI_BLOB)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(B)/fuzzobj/%.o) $(EFI_BLOB)

UNIT_SRC := $(sort $(shell find tests/unit -name '*.c' ! -path tests/unit/helpers.c))
UNIT_HELP:= tests/unit/helpers.c
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
ASAN_BIN := $(patsubst tests/unit/%.c,$(B)/tests-asan/%,$(UNIT_SRC))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))

.PHONY: all tools efi image deps test-deps test test-layers test-nonroot test-unit test-asan test-fuzz-seeds test-boot fuzz fuzz-merge bench clean distclean man
.DELETE_ON_ERROR:
.SECONDARY:

all: tools image

tools: $(B)/igdkit $(B)/igdkit.1

deps: $(B)/.deps-build
$(B)/.deps-build: image/deps.sh
	@mkdir -p $(B)
	@image/deps.sh build
	@touch $@

test-deps: $(B)/.deps-test
$(B)/.deps-test: image/deps.sh
	@mkdir -p $(B)
	@image/deps.sh test
	@touch $@

# ---- the tool -------------------------------------------------------------
$(B)/obj/%.o: %.c | $(B)/.deps-build
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/asan/%.o: %.c | $(B)/.deps-build
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -MMD -MP -c -o $@ $<

$(B)/fuzzobj/%.o: %.c | $(B)/.deps-test
	@mkdir -p $(dir $@)
	$(CLANG) $(CPPFLAGS) -std=c11 -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c -o $@ $<

$(B)/igdkit: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(LDLIBS)

# ---- the EFI drivers (gnu-efi; PE32+ x64, subsystem 11) ----------------------
# igd-assign.efi and gop-policy.efi go into every OVMF igd.rom; vbt-probe.efi is
# for the QEMU boot test only and never embedded.
EFI_CFLAGS := -std=c11 $(WARN) -O2 -fpic -fshort-wchar -ffreestanding -fno-stack-protector -fno-strict-aliasing \
	-mno-red-zone -maccumulate-outgoing-args -DGNU_EFI_USE_MS_ABI \
	-isystem /usr/include/efi -isystem /usr/include/efi/x86_64 -DIGDKIT_VERSION='"$(VERSION)"' -Itools -Iefi
EFI_LDFLAGS := -nostdlib -znocombreloc -zdefs -shared -Bsymbolic -T /usr/lib/elf_x86_64_efi.lds /usr/lib/crt0-efi-x86_64.o
EFI_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j .rel.* -j .rela.* -j .reloc
EFI_OBJ = $(patsubst %.c,$(B)/efiobj/%.o,$(1))
EFI_DRIVERS := $(B)/efi/igd-assign.efi $(B)/efi/gop-policy.efi

$(B)/efiobj/%.o: %.c | $(B)/.deps-build
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/efi/igd-assign.so: $(call EFI_OBJ,efi/igd_assign.c efi/efi_glue.c efi/fwcfg.c efi/opregion.c efi/igd.c tools/igd/ids.c)
$(B)/efi/gop-policy.so: $(call EFI_OBJ,efi/gop_policy.c efi/efi_glue.c efi/fwcfg.c efi/opregion.c)
$(B)/efi/vbt-probe.so: $(call EFI_OBJ,efi/test/vbt_probe.c efi/efi_glue.c)
$(B)/efi/%.so:
	@mkdir -p $(dir $@)
	$(LD) $(EFI_LDFLAGS) $^ -o $@ -L/usr/lib -lefi -lgnuefi

$(B)/efi/%.efi: $(B)/efi/%.so
	objcopy --strip-all $(EFI_SECTIONS) --target efi-bsdrv-x86_64 $< $@

efi: $(EFI_DRIVERS) $(B)/efi/vbt-probe.efi

$(EFI_BLOB): tools/rom/efi_blobs.S $(EFI_DRIVERS)
	@mkdir -p $(dir $@)
	$(CC) -c -DIGD_ASSIGN_EFI='"$(B)/efi/igd-assign.efi"' -DGOP_POLICY_EFI='"$(B)/efi/gop-policy.efi"' -o $@ $<

# The page is igdkit.1.in with each command's section (man/sections/*.man) spliced in at @SECTIONS@.
$(B)/igdkit.1: man/igdkit.1.in VERSION $(wildcard man/sections/*.man)
	@mkdir -p $(B)
	sed -e '/^@SECTIONS@$$/,$$d' -e 's/@VERSION@/$(VERSION)/g' $< > $@.tmp
	cat /dev/null $(sort $(wildcard man/sections/*.man)) >> $@.tmp
	sed -e '1,/^@SECTIONS@$$/d' $< >> $@.tmp
	mv $@.tmp $@

man: $(B)/igdkit.1

# ---- the image ------------------------------------------------------------
# Boot chain: Debian's signed shim/grub/kernel, fetched with apt-get download.
$(B)/chain/.stamp: image/fetch-chain.sh | $(B)/.deps-build
	image/fetch-chain.sh $(B)

# mkinitramfs.sh writes both parts: initrd.img and extra.img (LVM, target file
# systems; extra-boot.img is the same for the ISO, packed like initrd.img).
$(B)/extra.img $(B)/extra-boot.img: $(B)/initrd.img
$(B)/initrd.img: $(B)/chain/.stamp $(B)/igdkit initramfs/mkinitramfs.sh initramfs/init initramfs/modules.list initramfs/modules-target.list $(shell find initramfs/rootfs configs -type f)
	INITRD_COMP=$(INITRD_COMP) initramfs/mkinitramfs.sh $(B)

$(B)/igdkit.img: $(B)/initrd.img $(B)/extra.img $(B)/chain/.stamp image/mkimage.sh $(wildcard image/*.cfg)
	image/mkimage.sh $(B)

$(B)/igdkit.iso: $(B)/initrd.img $(B)/extra-boot.img $(B)/chain/.stamp image/mkiso.sh VERSION image/README-iso.txt $(wildcard image/*.cfg)
	image/mkiso.sh $(B)

image: $(B)/igdkit.img $(B)/igdkit.iso

# ---- tests ----------------------------------------------------------------
$(B)/tests/%: tests/unit/%.c $(UNIT_HELP) $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) -o $@ $< $(UNIT_HELP) $(LIB_OBJ) $(LDLIBS) -lcmocka

$(B)/tests-asan/%: tests/unit/%.c $(UNIT_HELP) $(ASAN_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(SAN) -o $@ $< $(UNIT_HELP) $(ASAN_LIB_OBJ) $(LDLIBS) -lcmocka

$(B)/fuzz/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CLANG) $(CPPFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_LIB_OBJ) $(LDLIBS)

# The folders under tools/ include downward only, and commands do not call each other.
test-layers:
	@python3 tests/build/layers.py --selftest tools

test-unit: $(B)/igdkit $(UNIT_BIN) | $(B)/.deps-test
	@IGDKIT_BIN=$(B)/igdkit tests/run-unit.sh unit $(FIXTURES) $(UNIT_BIN)

test-asan: $(B)/igdkit $(ASAN_BIN) | $(B)/.deps-test
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		IGDKIT_BIN=$(B)/igdkit tests/run-unit.sh asan $(FIXTURES) $(ASAN_BIN)

test-fuzz-seeds: $(FUZZ_BIN)
	@tests/fuzz/run.sh seeds $(FIXTURES) $(FUZZ_BIN)

# The stick must build without root: as root, rebuild it as an unprivileged user.
test-nonroot: | $(B)/.deps-test
	@tests/build/nonroot.sh $(B)

test-boot: $(B)/igdkit.img $(B)/igdkit.iso $(B)/efi/vbt-probe.efi | $(B)/.deps-test
	@tests/boot/run-all.sh $(B) $(FIXTURES)

# Every stage runs even when an earlier one fails; the last line sums up the
# "N passed, M failed" lines of all stages.
test: $(B)/.deps-test
	@$(MAKE) --no-print-directory all
	@tests/run-stages.sh $(B) test-layers test-unit test-asan test-fuzz-seeds test-nonroot test-boot

# A campaign: FUZZ_SECONDS per target, or FUZZ_RUNS runs each; FUZZ_JOBS targets at a time.
# fuzz-merge then keeps what it found that adds coverage (README: Fuzzing).
FUZZ_SECONDS ?= 60
fuzz: $(FUZZ_BIN)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh fuzz $(FIXTURES) $(FUZZ_BIN)

fuzz-merge: $(FUZZ_BIN)
	@tests/fuzz/run.sh merge $(FIXTURES) $(FUZZ_BIN)

bench: $(B)/.deps-test $(B)/igdkit $(FUZZ_BIN)
	@tests/bench/run.sh $(B) $(FIXTURES)

clean:
	rm -rf $(B)/obj $(B)/asan $(B)/fuzzobj $(B)/efiobj $(B)/efi $(B)/tests $(B)/tests-asan $(B)/fuzz $(B)/igdkit $(B)/igdkit.1 \
		$(B)/initrd.img $(B)/extra.img $(B)/extra-boot.img $(B)/igdkit.img $(B)/igdkit.iso $(B)/initramfs $(B)/initramfs-extra $(B)/image $(B)/iso $(B)/boot

# distclean also drops the package cache (build/debs) and the unpacked boot chain.
distclean:
	rm -rf $(B)

-include $(shell find $(B)/obj $(B)/asan $(B)/fuzzobj $(B)/efiobj -name '*.d' 2>/dev/null)
