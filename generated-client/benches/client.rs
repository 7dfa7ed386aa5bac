//! What the client costs: one request through a generated function against a local server,
//! next to the same request made with bare reqwest and serde_json; and decoding 10,000
//! sandboxes through the runtime, next to plain serde_json into the same structs.
//!
//! `cargo bench -p daytona-client --bench client`

use criterion::{criterion_group, criterion_main, Criterion};
use daytona_client::api::types::{DaytonaConfiguration, Sandbox};
use daytona_client::runtime::{Config, RetryPolicy};
use daytona_client::{api, Client};
use std::hint::black_box;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn configuration_json() -> String {
    serde_json::json!({
        "version": "1", "linkedAccountsEnabled": false, "announcements": {},
        "pylonAppId": "p", "proxyTemplateUrl": "t", "proxyToolboxUrl": "u",
        "defaultSnapshot": "s", "dashboardUrl": "d", "maxAutoArchiveInterval": 1,
        "maintananceMode": false, "environment": "bench", "billingApiUrl": "b",
        "oidc": {"issuer": "i", "clientId": "c", "audience": "a"}
    })
    .to_string()
}

/// A keep-alive HTTP/1.1 server on 127.0.0.1 that answers every request with `body`. It lives
/// as long as the runtime that runs it.
async fn serve(body: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 16 * 1024];
                let mut pending = Vec::new();
                loop {
                    let Ok(read) = socket.read(&mut buffer).await else {
                        return;
                    };
                    if read == 0 {
                        return;
                    }
                    pending.extend_from_slice(&buffer[..read]);
                    // Requests here have no body: each ends with an empty line.
                    while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                        pending.drain(..end + 4);
                        if socket.write_all(response.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    format!("http://{address}")
}

fn request_overhead(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = runtime.block_on(serve(configuration_json()));
    let config = Config::builder()
        .api_key("dtn_bench")
        .api_url(&url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    let bare = reqwest::Client::new();
    let mut group = c.benchmark_group("request GET /config");
    group.bench_function("generated client", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(api::config::get_config(&client).await.unwrap());
        })
    });
    group.bench_function("bare reqwest + serde_json", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = bare.get(format!("{url}/config")).send().await.unwrap();
            let bytes = response.bytes().await.unwrap();
            black_box(serde_json::from_slice::<DaytonaConfiguration>(&bytes).unwrap());
        })
    });
    group.finish();
}

/// 10,000 sandboxes as the API would list them.
fn sandboxes_json() -> Vec<u8> {
    let sandboxes: Vec<serde_json::Value> = (0..10_000)
        .map(|i| {
            serde_json::json!({
                "id": format!("sandbox-{i}"), "organizationId": "org-1", "name": format!("box-{i}"),
                "snapshot": "daytonaio/sandbox:0.4.3", "user": "daytona",
                "env": {"NODE_ENV": "production"}, "labels": {"team": "ci", "run": i.to_string()},
                "public": false, "networkBlockAll": false, "target": "eu",
                "cpu": 2, "gpu": 0, "memory": 4, "disk": 10, "state": "started",
                "desiredState": "started", "errorReason": null, "backupState": "None",
                "autoStopInterval": 15, "autoArchiveInterval": 10080,
                "toolboxProxyUrl": "https://proxy.app.daytona.io/toolbox",
                "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-02T00:00:00Z"
            })
        })
        .collect();
    serde_json::to_vec(&sandboxes).unwrap()
}

fn decoding(c: &mut Criterion) {
    let body = sandboxes_json();
    assert_eq!(
        daytona_client::runtime::decode::<Vec<Sandbox>>("listSandboxes", 200, &body)
            .unwrap()
            .len(),
        10_000
    );
    let mut group = c.benchmark_group("decode 10,000 sandboxes");
    group.sample_size(20);
    group.bench_function("runtime decode", |b| {
        b.iter(|| {
            black_box(
                daytona_client::runtime::decode::<Vec<Sandbox>>("listSandboxes", 200, &body)
                    .unwrap(),
            )
        })
    });
    group.bench_function("plain serde_json", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Vec<Sandbox>>(&body).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, request_overhead, decoding);
criterion_main!(benches);
