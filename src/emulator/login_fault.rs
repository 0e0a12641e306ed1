//! Login faults: the answers a real identity platform gives when it is unavailable, throttled,
//! behind a captive portal, or when the app registration does not fit the request
//! ([`LoginFault`]), served instead of the honest answer of `super::auth` so that every
//! sign-in flow's reading of them can be tested (docs/graph-api.md §10).

use std::collections::HashMap;

use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Shared;
use super::auth::{form_field, oauth_error};
use super::faults::{LoginFault, retry_after_value};

/// The answer the active [`LoginFault`] gives instead of the honest one, when it applies to
/// this request (and has not fired its number of times yet).
pub(crate) fn injected(
    shared: &Shared,
    method: &Method,
    tenant: &str,
    endpoint: &str,
    f: &HashMap<String, String>,
) -> Option<Response> {
    use LoginFault as L;
    let fault = shared.faults.get().login_fault?;
    let post = *method == Method::POST;
    let token = post && endpoint == "token";
    let applies = match fault {
        L::Throttled | L::Unavailable | L::TemporarilyUnavailable | L::HtmlGateway | L::HtmlOk => {
            post
        }
        L::PublicClientOff => token && form_field(f, "client_secret").is_empty(),
        L::ConsumersOnly => tenant.eq_ignore_ascii_case("common"),
        L::InteractionRequired => token && form_field(f, "grant_type") == "refresh_token",
        L::ExpiresInString => false,
    };
    if !applies {
        return None;
    }
    shared.faults.login_request()?;
    fault_answer(shared, fault, method, f)
}

/// The answer `fault` gives instead of the honest one (`None` for a fault that changes the
/// honest answer itself, see `token`).
fn fault_answer(
    shared: &Shared,
    fault: LoginFault,
    method: &Method,
    f: &HashMap<String, String>,
) -> Option<Response> {
    use LoginFault as L;
    let transient = "A transient error has occurred. Please try again.";
    Some(match fault {
        L::Throttled => {
            let mut resp = oauth_error(
                StatusCode::TOO_MANY_REQUESTS,
                "temporarily_unavailable",
                90_033,
                transient,
            );
            let wait = retry_after_value(
                &shared.faults.get().retry_after,
                std::time::SystemTime::now(),
            );
            if let Ok(v) = header::HeaderValue::from_str(&wait) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
        L::Unavailable => oauth_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            90_033,
            transient,
        ),
        L::TemporarilyUnavailable => oauth_error(
            StatusCode::BAD_REQUEST,
            "temporarily_unavailable",
            90_033,
            transient,
        ),
        L::HtmlGateway => html(
            StatusCode::BAD_GATEWAY,
            "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>",
        ),
        L::HtmlOk => html(
            StatusCode::OK,
            "<!DOCTYPE html><html><body>Please accept the terms of use to get online.</body></html>",
        ),
        L::PublicClientOff => oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7_000_218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ),
        L::ConsumersOnly => consumers_only(method, f),
        L::InteractionRequired => oauth_error(
            StatusCode::BAD_REQUEST,
            "interaction_required",
            50_076,
            "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the app.",
        ),
        L::ExpiresInString => return None,
    })
}

/// AADSTS9002331 for a personal-accounts-only app: a redirect with the error for
/// `authorize`, the error answer for the others.
fn consumers_only(method: &Method, f: &HashMap<String, String>) -> Response {
    let (code, message) = (
        9_002_331,
        "Application is configured for use by Microsoft Account users only. Please use the /consumers endpoint to serve this request.",
    );
    match (method, f.get("redirect_uri")) {
        (&Method::GET, Some(redirect)) => {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair("error", "invalid_request");
            q.append_pair("error_description", &format!("AADSTS{code}: {message}"));
            if let Some(state) = f.get("state") {
                q.append_pair("state", state);
            }
            let sep = if redirect.contains('?') { '&' } else { '?' };
            let location = format!("{redirect}{sep}{}", q.finish());
            (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
        }
        _ => oauth_error(StatusCode::BAD_REQUEST, "invalid_request", code, message),
    }
}

fn html(status: StatusCode, page: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}
