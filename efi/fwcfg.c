/* fwcfg.c - fw_cfg file directory walk and reads, port or DMA (see fwcfg.h) */
#include "fwcfg.h"

#include "bytes.h"

const char *fwcfg_status_str(enum fwcfg_status s)
{
	switch (s) {
	case FWCFG_OK: return "ok";
	case FWCFG_ABSENT: return "no fw_cfg interface";
	case FWCFG_NOT_FOUND: return "no such fw_cfg file";
	case FWCFG_BAD_DIR: return "fw_cfg directory count out of range";
	case FWCFG_SHORT: return "fw_cfg file shorter than the read";
	case FWCFG_DMA_FAILED: return "fw_cfg DMA transfer failed";
	}
	return "unknown fw_cfg error";
}

static void select_key(const struct fwcfg *fc, uint16_t key)
{
	fc->io->outw(fc->io->ctx, FWCFG_PORT_SEL, key);
}

static void read_port(const struct fwcfg *fc, uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = fc->io->inb(fc->io->ctx, FWCFG_PORT_DATA);
}

/* The DMA descriptor: control, length, address, all big-endian. */
struct fwcfg_dma {
	uint8_t control[4];
	uint8_t length[4];
	uint8_t address[8];
};

/* Port I/O writes little-endian; the DMA address register wants big-endian halves. */
static uint32_t swap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

static enum fwcfg_status read_dma(const struct fwcfg *fc, uint16_t key, uint8_t *buf, uint32_t n)
{
	volatile struct fwcfg_dma d = { { 0 }, { 0 }, { 0 } };
	uint8_t tmp[8];
	uint64_t at = fc->io->phys(fc->io->ctx, &d);

	bx_put_be32(tmp, (uint32_t)key << 16 | FWCFG_DMA_SELECT | FWCFG_DMA_READ);
	for (int i = 0; i < 4; i++)
		d.control[i] = tmp[i];
	bx_put_be32(tmp, n);
	for (int i = 0; i < 4; i++)
		d.length[i] = tmp[i];
	bx_put_be64(tmp, fc->io->phys(fc->io->ctx, buf));
	for (int i = 0; i < 8; i++)
		d.address[i] = tmp[i];
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	fc->io->outl(fc->io->ctx, FWCFG_PORT_DMA_HI, swap32((uint32_t)(at >> 32)));
	fc->io->outl(fc->io->ctx, FWCFG_PORT_DMA_LO, swap32((uint32_t)at));
	for (uint32_t polls = 0; polls < FWCFG_DMA_POLLS; polls++) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		uint8_t c[4] = { d.control[0], d.control[1], d.control[2], d.control[3] };
		uint32_t ctl = bx_be32(c);
		if (ctl & FWCFG_DMA_ERROR)
			return FWCFG_DMA_FAILED;
		if (ctl == 0)
			return FWCFG_OK;
	}
	return FWCFG_DMA_FAILED;
}

enum fwcfg_status fwcfg_init(struct fwcfg *fc, const struct fwcfg_io *io)
{
	uint8_t sig[4], id[4];

	fc->io = io;
	fc->dma = false;
	select_key(fc, FWCFG_KEY_SIGNATURE);
	read_port(fc, sig, sizeof(sig));
	if (!bx_same(sig, "QEMU", 4))
		return FWCFG_ABSENT;
	select_key(fc, FWCFG_KEY_ID);
	read_port(fc, id, sizeof(id));
	fc->dma = io->phys && (bx_le32(id) & FWCFG_FEATURE_DMA);
	return FWCFG_OK;
}

bool fwcfg_dir_entry(const uint8_t e[FWCFG_DIR_ENTRY_LEN], struct fwcfg_file *f)
{
	size_t n = 0;

	while (n < FWCFG_NAME_LEN && e[8 + n])
		n++;
	if (n == 0 || n == FWCFG_NAME_LEN)
		return false;
	f->size = bx_be32(e);
	f->select = bx_be16(e + 4);
	for (size_t i = 0; i < FWCFG_NAME_LEN; i++)
		f->name[i] = i < n ? (char)e[8 + i] : 0;
	return true;
}

static bool name_is(const struct fwcfg_file *f, const char *name)
{
	size_t i = 0;
	for (; i < FWCFG_NAME_LEN && name[i]; i++)
		if (f->name[i] != name[i])
			return false;
	return i < FWCFG_NAME_LEN && f->name[i] == 0;
}

enum fwcfg_status fwcfg_find(const struct fwcfg *fc, const char *name, struct fwcfg_file *f)
{
	uint8_t cnt[4], e[FWCFG_DIR_ENTRY_LEN];
	uint32_t count;

	select_key(fc, FWCFG_KEY_FILE_DIR);
	read_port(fc, cnt, sizeof(cnt));
	count = bx_be32(cnt);
	if (count > FWCFG_MAX_FILES)
		return FWCFG_BAD_DIR;
	for (uint32_t i = 0; i < count; i++) {
		read_port(fc, e, sizeof(e));
		if (fwcfg_dir_entry(e, f) && name_is(f, name))
			return FWCFG_OK;
	}
	return FWCFG_NOT_FOUND;
}

enum fwcfg_status fwcfg_read(const struct fwcfg *fc, const struct fwcfg_file *f, void *buf, uint32_t n)
{
	if (n > f->size)
		return FWCFG_SHORT;
	if (fc->dma)
		return read_dma(fc, f->select, buf, n);
	select_key(fc, f->select);
	read_port(fc, buf, n);
	return FWCFG_OK;
}
