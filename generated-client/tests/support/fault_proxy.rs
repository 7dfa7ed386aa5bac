//! A TCP proxy on 127.0.0.1 that sits between the client and a server and breaks the
//! connection in the ways networks do: latency, resets, half-closed connections, stalls and
//! truncated answers. It speaks no HTTP: it counts bytes, so it serves API calls, toolbox
//! calls, streamed transfers and WebSockets alike.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The longest a proxied connection lives, whatever happens on it.
const LIMIT: Duration = Duration::from_secs(60);

/// What the proxy does to each connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward everything.
    None,
    /// Hold each piece of the server's answer this long before forwarding it.
    Latency(Duration),
    /// Reset the client's connection (RST) as soon as its request starts to arrive.
    Reset,
    /// After this many bytes of the server's answer, close the way to the client (FIN) and
    /// forward nothing more; the client may still send.
    HalfClose { after: usize },
    /// After this many bytes of the server's answer, forward nothing more and keep the
    /// connection open: a peer that hangs.
    StallAnswer { after: usize },
    /// After this many bytes of the client's request, read nothing more from it and keep the
    /// connection open: a server that stops taking an upload.
    StallRequest { after: usize },
    /// After this many bytes of the server's answer, close both connections.
    Truncate { after: usize },
}

/// A running proxy; stopped when dropped.
pub struct FaultProxy {
    address: SocketAddr,
    fault: Arc<Mutex<Fault>>,
    connections: Arc<AtomicUsize>,
    open: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// A proxy to the server at `upstream` (an `http://host:port` base URL).
    pub async fn start(upstream: &str, fault: Fault) -> FaultProxy {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let fault = Arc::new(Mutex::new(fault));
        let connections = Arc::new(AtomicUsize::new(0));
        let open = Arc::new(AtomicUsize::new(0));
        let (shared_fault, counted, opened) = (
            Arc::clone(&fault),
            Arc::clone(&connections),
            Arc::clone(&open),
        );
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                let fault = *shared_fault.lock().unwrap();
                let open = Arc::clone(&opened);
                open.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(LIMIT, relay(client, upstream, fault)).await;
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        FaultProxy {
            address,
            fault,
            connections,
            open,
            task,
        }
    }

    /// The proxy's base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Changes the fault for the connections that follow.
    pub fn set(&self, fault: Fault) {
        *self.fault.lock().unwrap() = fault;
    }

    /// The connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// The connections still open.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }
}

/// Forwards one connection, applying `fault`.
async fn relay(client: TcpStream, upstream: SocketAddr, fault: Fault) {
    if fault == Fault::Reset {
        let mut client = client;
        let mut first = [0u8; 1];
        let _ = client.read(&mut first).await;
        // Linger zero: closing sends RST instead of FIN.
        let _ = client.set_zero_linger();
        return;
    }
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let request = async {
        let mut sent = 0usize;
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            let limit = match fault {
                Fault::StallRequest { after } => after.saturating_sub(sent).min(buffer.len()),
                _ => buffer.len(),
            };
            if limit == 0 {
                // Take nothing more; hold the connection.
                std::future::pending::<()>().await;
            }
            let Ok(read) = client_read.read(&mut buffer[..limit]).await else {
                break;
            };
            if read == 0 || server_write.write_all(&buffer[..read]).await.is_err() {
                break;
            }
            sent += read;
        }
        let _ = server_write.shutdown().await;
    };
    let answer = async {
        let mut sent = 0usize;
        let mut buffer = vec![0u8; 16 * 1024];
        while let Ok(read) = server_read.read(&mut buffer).await {
            if read == 0 {
                break;
            }
            let cut = match fault {
                Fault::HalfClose { after }
                | Fault::StallAnswer { after }
                | Fault::Truncate { after } => Some(after),
                _ => None,
            };
            let take = cut.map_or(read, |after| after.saturating_sub(sent).min(read));
            if let Fault::Latency(delay) = fault {
                tokio::time::sleep(delay).await;
            }
            if client_write.write_all(&buffer[..take]).await.is_err() {
                break;
            }
            sent += take;
            if take < read || cut == Some(sent) {
                match fault {
                    Fault::HalfClose { .. } => {
                        let _ = client_write.shutdown().await;
                        // The client may still send; the request side keeps reading.
                        std::future::pending::<()>().await;
                    }
                    Fault::StallAnswer { .. } => std::future::pending::<()>().await,
                    _ => return,
                }
            }
        }
        let _ = client_write.shutdown().await;
    };
    // A truncation ends the connection when the answer is cut. After a stall or a half-close
    // the connection lives until the client closes it, so the proxy sees the client give up.
    match fault {
        Fault::Truncate { .. } => {
            let request = async {
                request.await;
                std::future::pending::<()>().await
            };
            tokio::select! {
                () = answer => {}
                () = request => {}
            }
        }
        Fault::StallAnswer { .. } | Fault::HalfClose { .. } => {
            let answer = async {
                answer.await;
                std::future::pending::<()>().await
            };
            tokio::select! {
                () = answer => {}
                () = request => {}
            }
        }
        _ => {
            tokio::join!(request, answer);
        }
    }
}
