// SPDX-License-Identifier: GPL-2.0
/*
 * A QEMU TCG plugin (plugin API version 1, QEMU 7.2) that counts the
 * guest instructions executed, in kernel and in user space, and writes
 * the running counts whenever the guest executes the marker instruction
 * (mark.c): a seven-byte no-op, nopl 0x484d4b49(%rax), that no compiler
 * emits with that displacement. Measurements take the difference between
 * two marks within one boot.
 *
 *   qemu-system-x86_64 ... -plugin PATH/insn-count.so,out=FILE
 *
 * Each mark appends "mark SEQ VCPU TOTAL KERNEL USER" to FILE (flushed at
 * once, so that the guest can read it back through a shared directory);
 * the exit appends "exit TOTAL KERNEL USER". Without out=, the lines go
 * to QEMU's log (stderr).
 *
 * The counters are plain u64s that TCG adds a translation block's
 * instruction count to when the block starts: exact with one TCG thread
 * for every vCPU (-accel tcg,thread=single), racy with one thread per
 * vCPU. A block left early (an exception, an interrupt) still counts
 * whole, the same way in every run.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* nopl 0x484d4b49(%rax): 0f 1f 80 disp32 ("IKMH" little-endian) */
static const unsigned char marker[] = { 0x0f, 0x1f, 0x80, 0x49, 0x4b, 0x4d, 0x48 };

/* x86-64 kernel space: the upper half of the canonical addresses */
#define KERNEL_START 0xffff800000000000ULL

static uint64_t kernel_insns, user_insns;
static uint64_t marks;
static FILE *out;

static void emit(const char *line)
{
	if (out) {
		fputs(line, out);
		fflush(out);
	} else {
		qemu_plugin_outs(line);
	}
}

static void on_mark(unsigned int vcpu, void *udata)
{
	char line[128];

	(void)udata;
	snprintf(line, sizeof(line), "mark %" PRIu64 " %u %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		 ++marks, vcpu, kernel_insns + user_insns, kernel_insns, user_insns);
	emit(line);
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	size_t i;

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 qemu_plugin_tb_vaddr(tb) >= KERNEL_START ?
						 &kernel_insns : &user_insns, n);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (qemu_plugin_insn_size(insn) == sizeof(marker) &&
		    !memcmp(qemu_plugin_insn_data(insn), marker, sizeof(marker)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
	}
}

static void on_atexit(qemu_plugin_id_t id, void *udata)
{
	char line[128];

	(void)id;
	(void)udata;
	snprintf(line, sizeof(line), "exit %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		 kernel_insns + user_insns, kernel_insns, user_insns);
	emit(line);
	if (out)
		fclose(out);
	out = NULL;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	if (!info->system_emulation) {
		fprintf(stderr, "insn-count: system emulation only\n");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4) && argv[i][4]) {
			out = fopen(argv[i] + 4, "a");
			if (!out) {
				perror(argv[i] + 4);
				return -1;
			}
		} else {
			fprintf(stderr, "insn-count: unknown argument '%s' (out=FILE)\n", argv[i]);
			return -1;
		}
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
	qemu_plugin_register_atexit_cb(id, on_atexit, NULL);
	return 0;
}
