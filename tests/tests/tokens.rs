//! Self-renewing credentials of the three APIs whose tokens expire, against the simulator's
//! identity providers: each grant logs on, a token is renewed before it runs out and once
//! after a 401, concurrent calls share one renewal, refresh tokens rotate, and a refused
//! grant says why without showing a secret.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures::TryStreamExt;
use progenitor_client::ClientInfo;
use simulator::tokens::{BLUEXP_REFRESH_TOKEN, CLIENT_ID, CLIENT_SECRET, KEYCLOAK_TOKEN_PATH};
use simulator::{Config, Simulator, auth};
use storage_jobs_runtime::ConnectionSettings;

async fn start(config: Config) -> (String, Arc<Simulator>) {
    simulator::spawn_on_loopback(config).await.unwrap()
}

fn vspc_password(base: &str, password: &str) -> vspc_client::Client {
    vspc_client::Client::connect(
        &format!("{base}/api/v3"),
        vspc_client::Credentials::Password {
            username: auth::USER.into(),
            password: password.into(),
        },
    )
    .unwrap()
}

async fn vspc_count(client: &vspc_client::Client) -> Result<usize, String> {
    client
        .get_backup_server_file_share_copy_jobs_stream(|request| request)
        .try_collect::<Vec<_>>()
        .await
        .map(|jobs| jobs.len())
        .map_err(|e| e.to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn vspc_logs_on_with_a_password_and_renews_after_a_401_with_the_refresh_token() {
    // A token lives 300 simulated seconds, half a real second at this speed: it is expired by
    // the next call, long before the client would renew it unasked.
    let (base, simulator) = start(Config {
        jobs: 30,
        time_scale: 600.0,
        token_lifetime: Some(300.0),
        ..Config::default()
    })
    .await;
    let client = vspc_password(&base, auth::PASSWORD);
    assert_eq!(vspc_count(&client).await, Ok(30));
    assert_eq!(client.inner().token_renewals(), 1);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(vspc_count(&client).await, Ok(30), "renewed after the 401");
    assert_eq!(client.inner().token_renewals(), 2);
    let tokens = &simulator.tokens;
    assert_eq!(
        tokens.expired.load(Ordering::Relaxed),
        1,
        "one call was refused"
    );
    assert_eq!(
        tokens.refreshed.load(Ordering::Relaxed),
        1,
        "the second token came from the first answer's refresh token"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_is_renewed_before_it_expires() {
    // Real time: a two-second token is renewed after 1.8 s, before the server refuses it.
    let (base, simulator) = start(Config {
        jobs: 5,
        time_scale: 1.0,
        token_lifetime: Some(2.0),
        ..Config::default()
    })
    .await;
    let client = vspc_password(&base, auth::PASSWORD);
    assert_eq!(vspc_count(&client).await, Ok(5));
    tokio::time::sleep(Duration::from_millis(1900)).await;
    assert_eq!(vspc_count(&client).await, Ok(5));
    assert_eq!(client.inner().token_renewals(), 2);
    assert_eq!(simulator.tokens.expired.load(Ordering::Relaxed), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_calls_share_one_renewal() {
    let (base, simulator) = start(Config {
        jobs: 5,
        time_scale: 0.0,
        ..Config::default()
    })
    .await;
    let client = vspc_password(&base, auth::PASSWORD);
    let calls = (0..32).map(|_| vspc_count(&client));
    for result in futures::future::join_all(calls).await {
        assert_eq!(result, Ok(5));
    }
    assert_eq!(simulator.tokens.issued.load(Ordering::Relaxed), 1);
    assert_eq!(client.inner().token_renewals(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_logon_says_why_and_shows_no_secret() {
    let (base, simulator) = start(Config {
        jobs: 5,
        ..Config::default()
    })
    .await;
    let secret = "not-the-password-Zq9";
    let client = vspc_password(&base, secret);
    let error = vspc_count(&client).await.unwrap_err();
    assert!(
        error.contains("getting an access token (password grant, create_token)")
            && error.contains("401 Unauthorized")
            && error.contains("the user name, password or refresh token is not valid"),
        "{error}"
    );
    assert!(!error.contains(secret), "{error}");
    assert!(!format!("{client:?}").contains(secret));
    assert_eq!(simulator.tokens.issued.load(Ordering::Relaxed), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn bluexp_gets_tokens_with_a_refresh_token_and_with_client_credentials() {
    let (base, simulator) = start(Config {
        jobs: 7,
        time_scale: 0.0,
        ..Config::default()
    })
    .await;
    // The token call is NetApp's Auth0, which the simulator plays at the same address.
    let settings = ConnectionSettings::new().token_url(format!("{base}/oauth/token"));
    let grants = [
        bluexp_backup_client::Credentials::RefreshTokenAndAgentId {
            refresh_token: BLUEXP_REFRESH_TOKEN.into(),
            agent_id: auth::AGENT_ID.into(),
        },
        bluexp_backup_client::Credentials::ClientCredentialsAndAgentId {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            agent_id: auth::AGENT_ID.into(),
        },
    ];
    for credentials in grants {
        let client =
            bluexp_backup_client::Client::connect_with(&base, credentials, &settings).unwrap();
        let status = client
            .get_restore_status()
            .account_id(auth::ACCOUNT)
            .send()
            .await
            .unwrap();
        assert_eq!(status.into_inner().job.len(), 7);
        assert_eq!(client.inner().token_renewals(), 1);
    }
    assert_eq!(simulator.tokens.issued.load(Ordering::Relaxed), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn vsp_object_logs_on_at_keycloak_beside_the_api_under_mapi() {
    let (base, simulator) = start(Config {
        jobs: 12,
        time_scale: 600.0,
        token_lifetime: Some(300.0),
        ..Config::default()
    })
    .await;
    // One base URL: the CSRF and jobs calls under /mapi/v1, Keycloak at the host's root.
    let client = vsp_object_client::Client::connect(
        &format!("{base}/mapi"),
        vsp_object_client::Credentials::Password {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            username: auth::USER.into(),
            password: auth::PASSWORD.into(),
        },
    )
    .unwrap();
    let list = || async {
        client
            .list_jobs_stream(|request| request.body_map(|body| body.page_size(5)))
            .try_collect::<Vec<_>>()
            .await
            .map(|jobs| jobs.len())
    };
    assert_eq!(list().await.unwrap(), 12);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        list().await.unwrap(),
        12,
        "a new token and CSRF session after the 401"
    );
    assert_eq!(client.inner().token_renewals(), 2);
    assert_eq!(simulator.tokens.expired.load(Ordering::Relaxed), 1);
    assert!(KEYCLOAK_TOKEN_PATH.starts_with("/ui/auth/"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pasted_token_is_sent_as_given_and_never_renewed() {
    let (base, simulator) = start(Config {
        jobs: 3,
        ..Config::default()
    })
    .await;
    let client = vspc_client::Client::connect(
        &format!("{base}/api/v3"),
        vspc_client::Credentials::BearerAuth {
            token: auth::TOKEN.into(),
        },
    )
    .unwrap();
    assert_eq!(vspc_count(&client).await, Ok(3));
    assert_eq!(client.inner().token_renewals(), 0);
    assert_eq!(simulator.tokens.issued.load(Ordering::Relaxed), 0);
}
