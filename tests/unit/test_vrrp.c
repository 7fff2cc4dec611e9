// SPDX-License-Identifier: GPL-2.0
#include "unit.h"
#include "vrrp.h"

/* A status: role, disk and connection; not connected means down for @down_ms. */
static struct tdm_status st_of(uint32_t role, uint32_t disk, uint32_t conn, uint64_t down_ms)
{
	struct tdm_status st = { .role = role, .disk_state = disk, .conn_state = conn };

	st.has_down = conn != TANDEM_CONN_CONNECTED;
	st.down_ms = st.has_down ? down_ms : 0;
	return st;
}

/* Only up-to-date data is eligible, whatever the role and the connection. */
static void test_not_uptodate(void)
{
	static const uint32_t disks[] = {
		TANDEM_DISK_CONSISTENT, TANDEM_DISK_OUTDATED, TANDEM_DISK_INCONSISTENT,
		TANDEM_DISK_DISKLESS, TANDEM_DISK_FAILED,
	};
	struct tdm_status st;
	long long lost;
	size_t i;

	for (i = 0; i < sizeof(disks) / sizeof(disks[0]); i++) {
		lost = -1;
		st = st_of(TANDEM_ROLE_PRIMARY, disks[i], TANDEM_CONN_CONNECTED, 0);
		CHECK_EQ(tdm_vrrp_decide(&st, false, 100, 10, &lost), TDM_VRRP_NOT_ELIGIBLE);
		st = st_of(TANDEM_ROLE_SECONDARY, disks[i], TANDEM_CONN_CONNECTING, 0);
		CHECK_EQ(tdm_vrrp_decide(&st, true, 100, 10, &lost), TDM_VRRP_NOT_ELIGIBLE);
		/* Nothing to outdate: the timer does not start. */
		CHECK_EQ(lost, -1);
	}
}

/* Up to date and primary, or replicating, or not a backup: eligible, no timer. */
static void test_eligible(void)
{
	struct tdm_status st;
	long long lost = 50;

	st = st_of(TANDEM_ROLE_SECONDARY, TANDEM_DISK_UPTODATE, TANDEM_CONN_CONNECTED, 0);
	CHECK_EQ(tdm_vrrp_decide(&st, true, 100, 10, &lost), TDM_VRRP_ELIGIBLE);
	CHECK_EQ(lost, -1);
	lost = 50;
	st = st_of(TANDEM_ROLE_PRIMARY, TANDEM_DISK_UPTODATE, TANDEM_CONN_CONNECTING, 0);
	CHECK_EQ(tdm_vrrp_decide(&st, true, 100, 10, &lost), TDM_VRRP_ELIGIBLE);
	CHECK_EQ(lost, -1);
	/* keepalived made it master, or FAULT: it decides nothing on its peer. */
	lost = 50;
	st = st_of(TANDEM_ROLE_SECONDARY, TANDEM_DISK_UPTODATE, TANDEM_CONN_STANDALONE, 0);
	CHECK_EQ(tdm_vrrp_decide(&st, false, 100, 10, &lost), TDM_VRRP_ELIGIBLE);
	CHECK_EQ(lost, -1);
}

/* A backup cut off: eligible (the master may be dead) until @outdate_after, then outdates. */
static void test_backup_cut_off(void)
{
	struct tdm_status st = st_of(TANDEM_ROLE_SECONDARY, TANDEM_DISK_UPTODATE,
				     TANDEM_CONN_CONNECTING, 0);
	long long lost = -1;

	CHECK_EQ(tdm_vrrp_decide(&st, true, 1000, 10, &lost), TDM_VRRP_ELIGIBLE);
	CHECK_EQ(lost, 1000);
	CHECK_EQ(tdm_vrrp_decide(&st, true, 1009, 10, &lost), TDM_VRRP_ELIGIBLE);
	CHECK_EQ(lost, 1000);
	CHECK_EQ(tdm_vrrp_decide(&st, true, 1010, 10, &lost), TDM_VRRP_OUTDATE);
	/* Kept until the caller has outdated: a failed outdate is tried again. */
	CHECK_EQ(lost, 1000);
	CHECK_EQ(tdm_vrrp_decide(&st, true, 1011, 10, &lost), TDM_VRRP_OUTDATE);
	/* The link back before the end: the next cut starts a new count. */
	lost = -1;
	CHECK_EQ(tdm_vrrp_decide(&st, true, 2000, 10, &lost), TDM_VRRP_ELIGIBLE);
	st.conn_state = TANDEM_CONN_CONNECTED;
	CHECK_EQ(tdm_vrrp_decide(&st, true, 2005, 10, &lost), TDM_VRRP_ELIGIBLE);
	CHECK_EQ(lost, -1);
	st.conn_state = TANDEM_CONN_CONNECTING;
	CHECK_EQ(tdm_vrrp_decide(&st, true, 2009, 10, &lost), TDM_VRRP_ELIGIBLE);
	CHECK_EQ(lost, 2009);
	/* Standalone (disconnected by the admin) counts as cut off too. */
	st.conn_state = TANDEM_CONN_STANDALONE;
	CHECK_EQ(tdm_vrrp_decide(&st, true, 2019, 10, &lost), TDM_VRRP_OUTDATE);
}

/* Not replicating: logged from a minute on, once a minute; forgotten once replicating. */
static void test_warn_down(void)
{
	struct tdm_status st = st_of(TANDEM_ROLE_PRIMARY, TANDEM_DISK_UPTODATE,
				     TANDEM_CONN_CONNECTING, 59999);
	long long warned = -1;

	CHECK(!tdm_vrrp_warn_down(&st, 100, &warned));
	CHECK_EQ(warned, -1);
	st.down_ms = 60000;
	CHECK(tdm_vrrp_warn_down(&st, 101, &warned));
	CHECK_EQ(warned, 101);
	st.down_ms = 119000;
	CHECK(!tdm_vrrp_warn_down(&st, 160, &warned));
	st.down_ms = 120000;
	CHECK(tdm_vrrp_warn_down(&st, 161, &warned));
	CHECK_EQ(warned, 161);
	st = st_of(TANDEM_ROLE_PRIMARY, TANDEM_DISK_UPTODATE, TANDEM_CONN_CONNECTED, 0);
	CHECK(!tdm_vrrp_warn_down(&st, 170, &warned));
	CHECK_EQ(warned, -1);
}

void test_vrrp(void)
{
	test_not_uptodate();
	test_eligible();
	test_backup_cut_off();
	test_warn_down();
}
