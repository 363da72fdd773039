//! App authentication with a service-account key: `AppAuth`. The core
//! decides when to ask for a token and reads the answer; the JS side signs
//! the assertion with WebCrypto and sends the token request.

use gchat::outbound::{self, CHAT_BOT_SCOPE, ServiceAccountKey};
use wasm_bindgen::prelude::*;

use crate::convert::{js_error, timestamp, to_js};
use crate::outbound::response_of;

/// An app's access tokens from its service-account key (the JSON key file).
#[wasm_bindgen]
pub struct AppAuth {
    inner: outbound::AppAuth,
}

/// A token request's assertion, to sign with the key (RS256).
#[wasm_bindgen]
pub struct Assertion {
    inner: outbound::Assertion,
}

#[wasm_bindgen]
impl Assertion {
    /// The bytes to sign, as text (`base64url(header).base64url(claims)`).
    #[wasm_bindgen(getter, js_name = signingInput)]
    pub fn signing_input(&self) -> String {
        self.inner.signing_input()
    }

    /// The signed assertion (a JWT), given the RS256 signature.
    #[wasm_bindgen(js_name = withSignature)]
    pub fn with_signature(&self, signature: &[u8]) -> String {
        self.inner.with_signature(signature)
    }
}

#[wasm_bindgen]
impl AppAuth {
    /// Tokens for the key file `json` (its text), with `scope` (the Chat
    /// app scope, `chat.bot`, by default).
    ///
    /// Throws `bad_service_account_key`.
    #[wasm_bindgen(constructor)]
    pub fn new(json: &str, scope: Option<String>) -> Result<AppAuth, JsValue> {
        let key = ServiceAccountKey::from_json(json).map_err(|e| js_error(&e))?;
        let scope = scope.unwrap_or_else(|| CHAT_BOT_SCOPE.to_owned());
        Ok(Self {
            inner: outbound::AppAuth::new(key, &scope),
        })
    }

    /// The assertion to sign now, or `undefined` while the token is fresh
    /// or a request for one is under way.
    #[wasm_bindgen(js_name = pollAssertion)]
    pub fn poll_assertion(
        &mut self,
        #[wasm_bindgen(js_name = now)] now_ms: Option<f64>,
    ) -> Option<Assertion> {
        self.inner
            .poll_assertion(timestamp(now_ms))
            .map(|inner| Assertion { inner })
    }

    /// The token request carrying the signed assertion `jwt`.
    #[wasm_bindgen(js_name = tokenRequest, unchecked_return_type = "HttpRequest")]
    pub fn token_request(&self, jwt: &str) -> Result<JsValue, JsValue> {
        to_js(&self.inner.token_request(jwt))
    }

    /// Reads the token endpoint's answer (`{ status, body }`, `{ timeout:
    /// true }` or `{ error }`).
    ///
    /// Throws `token_refused` (with Google's error) or `token_unavailable`.
    #[wasm_bindgen(js_name = handleTokenResponse)]
    pub fn handle_token_response(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "OutboxResponse")] response: JsValue,
        #[wasm_bindgen(js_name = now)] now_ms: Option<f64>,
    ) -> Result<(), JsValue> {
        self.inner
            .handle_token_response(&response_of(&response), timestamp(now_ms))
            .map_err(|e| js_error(&e))
    }

    /// The access token while it is valid, or `undefined`.
    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(
        &self,
        #[wasm_bindgen(js_name = now)] now_ms: Option<f64>,
    ) -> Option<String> {
        self.inner
            .access_token(timestamp(now_ms))
            .ok()
            .map(str::to_owned)
    }
}
