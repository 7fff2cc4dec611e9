/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandem: the control layer, the top of the module: module entry and
 * exit (main.c) and the generic netlink family (netlink.c). It calls
 * every layer below; nothing below calls it (events reach it through the
 * sink it registers, see base.h).
 */
#ifndef TDM_CONTROL_H
#define TDM_CONTROL_H

/* netlink.c: the generic netlink family; module init and exit. */
int tdm_genl_init(void);
void tdm_genl_exit(void);

#endif /* TDM_CONTROL_H */
