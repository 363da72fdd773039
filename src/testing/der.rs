//! Just enough DER to write a self-signed x509 certificate for a test key.

use crate::time::{Timestamp, civil_from_days};

const SHA256_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | u8::try_from(bytes.len()).unwrap_or(0));
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn uint(be: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = be.iter().copied().skip_while(|b| *b == 0).collect();
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend(trimmed);
    tlv(0x02, &content)
}

fn algorithm(oid: &[u8]) -> Vec<u8> {
    seq(&[&tlv(0x06, oid), &[0x05, 0x00]])
}

fn name(cn: &str) -> Vec<u8> {
    let atv = seq(&[&tlv(0x06, COMMON_NAME), &tlv(0x0c, cn.as_bytes())]);
    seq(&[&tlv(0x31, &atv)])
}

fn bits(bytes: &[u8]) -> Vec<u8> {
    tlv(0x03, &[&[0u8][..], bytes].concat())
}

/// UTCTime (`YYMMDDhhmmssZ`), clamped to the years it can express.
fn utc_time(t: Timestamp) -> Vec<u8> {
    let secs = t.as_secs().clamp(-631_152_000, 2_524_607_999); // 1950 .. 2049
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    let text = format!(
        "{:02}{m:02}{d:02}{:02}{:02}{:02}Z",
        y % 100,
        s / 3600,
        s / 60 % 60,
        s % 60
    );
    tlv(0x17, text.as_bytes())
}

/// A v3 certificate for the RSA key `(n, e)`, named `cn`, signed by `sign`.
pub(super) fn self_signed_certificate(
    n: &[u8],
    e: &[u8],
    cn: &str,
    now: Timestamp,
    sign: impl Fn(&[u8]) -> Vec<u8>,
) -> Vec<u8> {
    const DAY: std::time::Duration = std::time::Duration::from_secs(86_400);
    let spki = seq(&[
        &algorithm(RSA_ENCRYPTION),
        &bits(&seq(&[&uint(n), &uint(e)])),
    ]);
    let validity = seq(&[&utc_time(now - DAY), &utc_time(now + 365 * DAY)]);
    let version = tlv(0xa0, &uint(&[2]));
    let serial = uint(&now.as_millis().to_be_bytes());
    let subject = name(cn);
    let tbs = seq(&[
        &version,
        &serial,
        &algorithm(SHA256_WITH_RSA),
        &subject,
        &validity,
        &subject,
        &spki,
    ]);
    let signature = sign(&tbs);
    seq(&[&tbs, &algorithm(SHA256_WITH_RSA), &bits(&signature)])
}
