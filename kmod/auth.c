// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: HMAC-SHA256 for the peers' challenge-response (see conn.c).
 */
#include <crypto/hash.h>

#include "tandem.h"
#include "replication.h"

int tdm_auth_mac(const u8 *secret, unsigned int secret_len, const u8 *msg,
		 size_t len, u8 *mac)
{
	struct crypto_shash *tfm;
	int ret;

	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_shash_setkey(tfm, secret, secret_len);
	if (!ret)
		ret = crypto_shash_tfm_digest(tfm, msg, len, mac);
	crypto_free_shash(tfm);
	return ret;
}
