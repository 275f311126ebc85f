/* The GMP side of the weak-RSA tests, shared by weak.c (one modulus at a
 * time) and batchgcd.c (all of them at once).  Inside checks/ only. */
#ifndef KC_WEAK_H
#define KC_WEAK_H

#include <gmp.h>

/* The product of the primes below 2^16 (built once, thread-safe). */
mpz_srcptr kc_small_primorial(void);
/* The smallest prime below 2^16 dividing g, 0 if none. */
unsigned long kc_smallest_small_prime(const mpz_t g);
/* The smallest prime below 2^16 dividing n (> 1), 0 if none. */
unsigned long kc_small_factor(const mpz_t n);

#endif
