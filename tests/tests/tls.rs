//! HTTPS against a self-signed appliance certificate: refused by default, accepted once the
//! certificate is trusted as a root (PEM), and accepted by the explicit danger opt-in.

use std::sync::Arc;

use ontap_client::{Client, ConnectionSettings, Credentials, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An HTTPS server on loopback with a fresh self-signed certificate for `localhost`; it
/// answers every request with an empty ONTAP job list. Returns its port and the PEM.
async fn appliance() -> (u16, String) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let pem = certified.cert.pem();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let body = r#"{"records":[],"num_records":0}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, pem)
}

fn credentials() -> Credentials {
    Credentials::BasicAuth {
        username: "admin".into(),
        password: "secret".into(),
    }
}

#[tokio::test]
async fn a_self_signed_certificate_is_refused_by_default() {
    let (port, _) = appliance().await;
    let client = Client::connect(&format!("https://localhost:{port}/api"), credentials()).unwrap();
    let error = client.get_cluster_jobs().send().await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
}

#[tokio::test]
async fn trusting_the_appliance_certificate_as_a_root_connects() {
    let (port, pem) = appliance().await;
    let settings = ConnectionSettings::new()
        .add_root_certificates_pem(pem.as_bytes())
        .unwrap();
    let client = Client::connect_with(
        &format!("https://localhost:{port}/api"),
        credentials(),
        &settings,
    )
    .unwrap();
    let page = client.get_cluster_jobs().send().await.unwrap().into_inner();
    assert_eq!(page.num_records, Some(0));
}

#[tokio::test]
async fn the_danger_opt_in_accepts_any_certificate() {
    let (port, _) = appliance().await;
    let settings = ConnectionSettings::new().danger_accept_invalid_certificates();
    assert!(settings.accepts_invalid_certificates());
    let client = Client::connect_with(
        &format!("https://localhost:{port}/api"),
        credentials(),
        &settings,
    )
    .unwrap();
    client.get_cluster_jobs().send().await.unwrap();
}

#[tokio::test]
async fn bad_settings_are_refused_with_a_reason() {
    let error = ConnectionSettings::new()
        .add_root_certificates_pem(
            b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
        )
        .unwrap_err();
    assert!(
        error.to_string().starts_with("root certificate:"),
        "{error}"
    );
    let error = Client::connect("cluster.example.com", credentials()).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("base url `cluster.example.com`:"),
        "{error}"
    );
}
