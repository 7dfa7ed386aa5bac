//! What the client costs: one request through a generated function against a local server,
//! next to the same request made with bare reqwest and serde_json (set up as the client sets
//! reqwest up, and with reqwest's defaults); and decoding 10,000 sandboxes through the runtime,
//! next to plain serde_json into the same structs.
//!
//! `cargo bench -p daytona-client --bench client`

use criterion::{criterion_group, criterion_main, Criterion};
use daytona_client::api::types::{DaytonaConfiguration, Sandbox};
use daytona_client::{api, Client};
use daytona_client::{Config, RetryPolicy};
use std::hint::black_box;
use std::time::{Duration, Instant};
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
    // The same request by hand: reqwest set up as the generated client sets it up (a timeout
    // per request, the bearer token); and reqwest with its defaults (no timeout), to show
    // what the timeout alone costs.
    let alike = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let defaults = reqwest::Client::new();
    let generated = || async {
        black_box(api::config::get_config(&client).await.unwrap());
    };
    let by_hand = |http: &reqwest::Client| {
        let request = http.get(format!("{url}/config")).bearer_auth("dtn_bench");
        async {
            let response = request.send().await.unwrap();
            let bytes = response.bytes().await.unwrap();
            black_box(serde_json::from_slice::<DaytonaConfiguration>(&bytes).unwrap());
        }
    };
    let mut group = c.benchmark_group("request GET /config");
    group.bench_function("generated client", |b| b.to_async(&runtime).iter(generated));
    group.bench_function("reqwest + serde_json, set up alike", |b| {
        b.to_async(&runtime).iter(|| by_hand(&alike))
    });
    group.bench_function("reqwest + serde_json, defaults", |b| {
        b.to_async(&runtime).iter(|| by_hand(&defaults))
    });
    group.finish();

    // Criterion times one function after the other, and on a shared 2-core machine the speed
    // drifts by tens of percent between them. So the overhead is also measured in rounds:
    // each round sends one request of each kind back to back (the order rotating), and the
    // medians over many rounds are compared.
    let rounds = 20_000;
    let mut times = [(); 3].map(|_| Vec::with_capacity(rounds));
    runtime.block_on(async {
        for round in 0..rounds {
            for turn in 0..3 {
                let kind = (round + turn) % 3;
                let start = Instant::now();
                match kind {
                    0 => generated().await,
                    1 => by_hand(&alike).await,
                    _ => by_hand(&defaults).await,
                }
                times[kind].push(start.elapsed());
            }
        }
    });
    let [ours, alike, defaults] = times.map(|mut kind| median(&mut kind));
    let overhead = |than: Duration| (ours.as_secs_f64() / than.as_secs_f64() - 1.0) * 100.0;
    println!(
        "request GET /config, medians over {rounds} rounds: generated client {ours:.1?}; \
         reqwest set up alike {alike:.1?} (overhead {:+.1} %); reqwest defaults {defaults:.1?} \
         (overhead {:+.1} %)",
        overhead(alike),
        overhead(defaults)
    );
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
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
