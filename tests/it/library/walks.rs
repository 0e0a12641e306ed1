//! Streaming walks (issue 15): folders handed out in depth-first name order while the next
//! requests run ahead, a bounded distance ahead; a big personal folder enumerated by one delta
//! per sub-folder, side by side; the same entries whichever way the walk asks.

use skydrive::ItemRef;
use skydrive::drive::{
    self, Listed, NameOrder, Record, Strategy, Visit, Visits, Walk, WalkOptions,
};
use skydrive::emulator::{EmulatorOptions, Listener, Profile, Seed};

use super::{Env, empty_env, env_of};

/// `folders` folders `/T/dNN` of `files` empty files each, and one file at the top.
fn fill(env: &Env, folders: usize, files: usize) {
    env.emu.put_file("T/top.txt", b"top");
    for d in 0..folders {
        env.emu.mkdir_p(&format!("T/d{d:02}"));
        for f in 0..files {
            env.emu.put_file(&format!("T/d{d:02}/f{f:03}.bin"), b"");
        }
    }
}

/// The Graph requests since the log was cleared whose path holds `what`.
fn requests(env: &Env, what: &str) -> Vec<String> {
    env.log(Listener::Graph)
        .into_iter()
        .filter(|l| l.contains(what))
        .collect()
}

#[tokio::test]
async fn a_big_personal_folder_is_split_into_one_enumeration_per_folder() {
    let env = empty_env().await;
    fill(&env, 3, 400);
    let listed = drive::walk_by_listing(&env.client, &ItemRef::path("T"), 4, None)
        .await
        .unwrap();
    env.emu.clear_request_log();
    let walked = drive::walk(&env.client, &ItemRef::path("T"), 4, None)
        .await
        .unwrap();
    // One page of the folder's own delta shows more than 1,000 items: the folder is listed
    // and each of its three folders enumerated on its own (400 items: one page each).
    let deltas = requests(&env, "/delta");
    assert_eq!(deltas.len(), 4, "{deltas:#?}");
    assert_eq!(requests(&env, "/children").len(), 1);
    assert_eq!(
        env.log(Listener::Graph).len(),
        6,
        "the item, 4 deltas, 1 listing"
    );
    let key = |e: &drive::WalkEntry| (e.path.clone(), e.depth, e.item.id.clone());
    assert_eq!(walked.len(), 1 + 3 + 3 * 400);
    assert_eq!(
        walked.iter().map(key).collect::<Vec<_>>(),
        listed.iter().map(key).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_streaming_walk_runs_a_bounded_distance_ahead_of_its_output() {
    let env = env_of(EmulatorOptions {
        seed: Seed::Empty,
        profile: Profile::Business,
        ..EmulatorOptions::default()
    })
    .await;
    fill(&env, 40, 2);
    env.emu.clear_request_log();
    let opts = WalkOptions {
        concurrency: 2,
        ..WalkOptions::default()
    };
    let walk = Walk::<Listed>::start(&env.client, &ItemRef::path("T"), opts)
        .await
        .unwrap();
    let mut visits = Visits::new(walk, false);
    let (mut entered, mut items) = (1, 0);
    while let Some(step) = visits.next().await {
        if let Visit::Item { entry, .. } = step.unwrap() {
            items += 1;
            entered += usize::from(entry.item.is_folder());
            // Running and waiting listings: at most the concurrency and one result each.
            let listed = requests(&env, "/children").len();
            assert!(
                listed <= entered + 2 * 5,
                "{listed} listings for {entered} folders"
            );
        }
        if items == 1 {
            assert!(
                requests(&env, "/children").len() <= 1 + 2,
                "first item at once"
            );
        }
    }
    assert_eq!(items, 1 + 40 * 3);
    assert_eq!(
        requests(&env, "/children").len(),
        41,
        "each folder listed once"
    );
}

/// Every step of a walk of `T` in `order`, as `+path` (an item) and `-path` (a folder done).
async fn steps(env: &Env, order: NameOrder, strategy: Strategy) -> Vec<String> {
    let opts = WalkOptions {
        order,
        strategy,
        ..WalkOptions::default()
    };
    let walk = Walk::<Listed>::start(&env.client, &ItemRef::path("T"), opts)
        .await
        .unwrap();
    let mut visits = Visits::new(walk, false);
    let mut out = Vec::new();
    while let Some(step) = visits.next().await {
        out.push(match step.unwrap() {
            Visit::Item { entry, last } => {
                format!("+{}{}", entry.path, if last { " (last)" } else { "" })
            }
            Visit::Done { path, .. } => format!("-{path}"),
        });
    }
    out
}

#[tokio::test]
async fn visits_go_depth_first_in_name_order_with_each_folder_done_after_what_it_holds() {
    let env = empty_env().await;
    for p in ["T/b/x.txt", "T/B.txt", "T/a b/y.txt", "T/a/z.txt"] {
        env.emu.put_file(p, b"1");
    }
    env.emu.mkdir_p("T/a/empty");
    let code_point = [
        "+B.txt",
        "+a",
        "+a/empty",
        "-a/empty",
        "+a/z.txt (last)",
        "-a",
        "+a b",
        "+a b/y.txt (last)",
        "-a b",
        "+b (last)",
        "+b/x.txt (last)",
        "-b",
        "-",
    ];
    for strategy in [Strategy::Auto, Strategy::Listing] {
        assert_eq!(
            steps(&env, NameOrder::CodePoint, strategy).await,
            code_point
        );
    }
    let ignoring_case = steps(&env, NameOrder::IgnoreCase, Strategy::Listing).await;
    let items: Vec<&str> = ignoring_case
        .iter()
        .filter(|s| s.starts_with('+') && !s.contains('/'))
        .map(String::as_str)
        .collect();
    assert_eq!(items, ["+a", "+a b", "+b", "+B.txt (last)"]);
}
