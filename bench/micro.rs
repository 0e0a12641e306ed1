//! Micro-benchmarks run by `bench/run` (`cargo bench --bench micro`): Tab completion of a
//! prefix in a cached folder of 10,000 entries (issue 7, scenario 6) and of 100,000 (issue
//! 15: a folder that big stays instant once listed), a Tab with an empty prefix there (all
//! 100,000 names are candidates), and QuickXorHash throughput (it sits on every download).
//! Prints `name: value unit` lines for the harness.

use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use skydrive::graph::model::{DriveItem, FileFacet};
use skydrive::graph::quickxor::QuickXorHash;
use skydrive::shell::bench::{DirCache, ShellHelper};
use skydrive::{GraphClient, StaticToken};

fn main() {
    completion(10_000, "10k", r"get file\ 0999", 10, 1001);
    completion(100_000, "100k", r"get file\ 9999", 10, 1001);
    completion(100_000, "100k_all", "get ", 100_000, 21);
    quickxor();
}

/// The median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// Completes `line` (`candidates` of them; the median of `runs`) in a cached folder of
/// `entries` files.
fn completion(entries: usize, label: &str, line: &str, candidates: usize, runs: usize) {
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let items: Vec<DriveItem> = (0..entries)
        .map(|i| DriveItem {
            id: format!("5D1B2C3A4F6E7D80!{}", 1000 + i),
            name: format!("File {i:05}.txt"),
            file: Some(FileFacet::default()),
            ..DriveItem::default()
        })
        .collect();
    let mut cache = DirCache::default();
    cache.store("5D1B2C3A4F6E7D80!101", "/", items.into());
    // Never contacted: every lookup is answered from the cache.
    let client = GraphClient::new(
        "http://127.0.0.1:9/v1.0",
        Arc::new(StaticToken("unused".into())),
    )
    .expect("a client");
    let helper = ShellHelper::new(
        Arc::new(Mutex::new(client)),
        Arc::new(Mutex::new(cache)),
        Arc::new(Mutex::new("/".to_owned())),
        rt.handle().clone(),
    );
    let (_, found) = helper.complete_at(line, line.len());
    assert_eq!(found.len(), candidates, "candidates for {line:?}");
    let t = median(runs, || {
        black_box(helper.complete_at(black_box(line), line.len()));
    });
    println!("completion_{label}_us: {:.1} us", t.as_secs_f64() * 1e6);
}

fn quickxor() {
    let data = vec![0xA5u8; 256 << 20];
    let t = median(5, || {
        let mut h = QuickXorHash::new();
        for chunk in data.chunks(64 << 10) {
            h.update(chunk);
        }
        black_box(h.finish());
    });
    println!(
        "quickxor_gb_per_s: {:.2} GB/s",
        data.len() as f64 / t.as_secs_f64() / 1e9
    );
}
