# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_skydrive_cli_global_optspecs
    string join \n config= c= f= e= demo p/path i/id json q/quiet v/debug keep-going h/help V/version
end

function __fish_skydrive_cli_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_skydrive_cli_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_skydrive_cli_using_subcommand
    set -l cmd (__fish_skydrive_cli_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -l config -d 'Config file (default: $SKYDRIVE_CONFIG, else ~/.lcrc)' -r -F
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -s c -d 'Run these commands, then exit (fail-fast)' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -s f -d 'Run the commands in FILE, then exit (fail-fast); `-` reads them from standard input (a file named `-` is `./-`)' -r -F
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -s e -d 'Run these commands, then stay interactive' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -l demo -d 'Use an embedded demo drive (a Graph emulator on loopback); no account needed'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -s p -l path -d 'Read every object argument as a path'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -s i -l id -d 'Read every object argument as an item id'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -l json -d 'Print listings as JSON lines (errors as JSON on stderr)'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -s q -l quiet -d 'Print errors only: no notes, no progress'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -s v -l debug -l verbose -d 'Print request details with errors'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -l keep-going -d 'In scripts, go on after a failure (exit with the first failure\'s code)'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -s V -l version -d 'Print version'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "cd" -d 'Change the current remote folder'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "pwd" -d 'Print the current remote folder'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "ls" -d 'List a folder\'s contents'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "tree" -d 'Show the folder tree'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "find" -d 'Find items by name, type and size'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "du" -d 'Show the space used by a folder'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "cat" -d 'Write files\' content to standard output'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "get" -d 'Download files (folders with -r)'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "put" -d 'Upload files (folders with -r)'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "mirror" -d 'Make a local folder a copy of a remote one (-R: the reverse)'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "check" -d 'Compare a local folder with a remote one (size and quickXorHash)'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "mkdir" -d 'Create folders'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "rm" -d 'Remove files and folders'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "mv" -d 'Move or rename files and folders'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "cp" -d 'Copy files and folders on the server'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "link" -d 'Create a sharing link'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "info_set" -d 'Change an item\'s metadata from JSON'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "search" -d 'Search the drive'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "info" -d 'Show an item\'s metadata'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "stat" -d 'Show an item\'s metadata'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "auth" -d 'Sign in and save the tokens'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "auth_refresh" -d 'Refresh the access token now'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "quota" -d 'Show free and total space'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "df" -d 'Show free and total space'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "user" -d 'Show the signed-in user'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "whoami" -d 'Show the signed-in user'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "recent" -d 'List recently used files'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "shared" -d 'List items shared with you (`cd shared:NAME` enters one)'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "drives" -d 'List the drives you can reach'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "drive" -d 'Show the current drive, or move to another one (`drive ~`: yours)'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "lcd" -d 'Change the local folder'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "lpwd" -d 'Print the local folder'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "lls" -d 'List a local folder'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "history" -d 'Show the command history'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "clear" -d 'Clear the terminal screen'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "cache" -d 'Show or clear the listing cache'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "comments" -d 'Not available on Microsoft Graph (a SkyDrive feature)'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "comment_add" -d 'Not available on Microsoft Graph (a SkyDrive feature)'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "comment_delete" -d 'Not available on Microsoft Graph (a SkyDrive feature)'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "help" -d 'Show the commands, or one command\'s help'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "exit" -d 'Leave the shell (with the last command\'s status, or N)'
complete -c skydrive-cli -n "__fish_skydrive_cli_needs_command" -f -a "quit" -d 'Leave the shell (with the last command\'s status, or N)'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand cd" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand pwd" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand ls" -s l -d 'Long listing: type (folder, file, flagged, notebook; a shortcut\'s owner), size and modification time'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand ls" -s h -d 'Human-readable sizes (1.5K, 12M) when piped too (they are on a terminal)'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand ls" -s a -d 'Show names starting with `.` too'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand ls" -s t -d 'Sort by modification time, newest first'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand ls" -s S -d 'Sort by size, largest first'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand ls" -s r -d 'Reverse the order'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand ls" -s R -d 'List the folders below too, each after a `PATH:` line'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand ls" -s 1 -d 'One name per line (the default when piped)'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand ls" -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand tree" -s L -d 'Descend at most N levels' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand tree" -s d -d 'Folders only'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand tree" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand find" -l name -d 'Names matching this glob (case-insensitive)' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand find" -l type -d 'f for files, d for folders' -r -f -a "f\t''
d\t''"
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand find" -l size -d 'Size: +N larger than, -N smaller than, N at least; suffix K, M or G' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand find" -l maxdepth -d 'Descend at most N levels' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand find" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand du" -s s -d 'Only the total'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand du" -s h -d 'Human-readable sizes when piped too (they are on a terminal)'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand du" -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand cat" -s f -l force -d 'Write binary content to a terminal too (it is held back by default)'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand cat" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand get" -s P -l parallel -d 'Files transferred at once' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand get" -s n -l streams -l multi-thread-streams -d 'Byte ranges fetched at once for a file of at least --cutoff, each over its own connection (lftp\'s pget -n, rclone\'s --multi-thread-streams); 1 turns it off' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand get" -l cutoff -l multi-thread-cutoff -d 'Files of at least SIZE come in several streams (rclone\'s --multi-thread-cutoff): bytes, or with K, M, G, T (powers of 1024, `256M`, `1GiB`)' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand get" -s r -l recursive -d 'Download folders with their contents'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand get" -s c -l continue -d 'Continue a partial download (and keep partial files on Ctrl-C)'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand get" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand put" -s P -l parallel -d 'Files transferred at once' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand put" -s r -l recursive -d 'Upload folders with their contents'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand put" -s c -l continue -d 'Continue the upload session an interrupted run left (without -c, start over)'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand put" -s n -l no-clobber -l no-overwrite -d 'Refuse to replace an existing name (exit 7)'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand put" -l rename -d 'Keep both: the server picks a new name'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand put" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mirror" -l max-delete -d 'Delete nothing when more than N items would go' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mirror" -s P -l parallel -d 'Files transferred at once' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mirror" -l exclude -d 'Leave out matching items (repeatable; see `help mirror`)' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mirror" -l include -d 'Take only matching files (repeatable; folders are always descended)' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mirror" -s R -l reverse -d 'Reverse: upload the local SOURCE into the remote TARGET'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mirror" -s c -l continue -d 'Continue partial transfers of an interrupted run (and keep them on Ctrl-C)'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mirror" -s e -l delete -d 'Delete target items the source does not have (remote ones to the recycle bin)'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mirror" -l checksum -d 'Compare files of equal size by quickXorHash instead of mtime'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mirror" -l overwrite -d 'Let the source win conflicts (files changed on both sides)'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mirror" -l dry-run -d 'Print what would be done; change nothing'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mirror" -l force -d 'With -e, delete local items although no earlier mirror into this folder is recorded'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mirror" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand check" -s P -l parallel -d 'Files hashed at once' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand check" -l exclude -d 'Leave out matching items (repeatable; see `help mirror`)' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand check" -l include -d 'Take only matching files (repeatable; folders are always descended)' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand check" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mkdir" -s p -l parents -d 'Create missing parents; an existing folder is not an error'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mkdir" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand rm" -s r -l recursive -d 'Remove folders with their contents'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand rm" -s f -l force -d 'Do not ask; needed with `-r` in scripts'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand rm" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand mv" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand cp" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand link" -s t -l type -d 'Link type (the seed\'s names are accepted)' -r -f -a "view\t''
edit\t''
embed\t''
shared_read_link\t''
shared_edit_link\t''"
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand link" -l scope -d 'Who can use it: anonymous, organization or users' -r -f -a "anonymous\t''
organization\t''
users\t''"
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand link" -l expire -d 'Expiry, in the future: RFC 3339 (2026-12-31T18:00:00Z) or a date (2026-12-31, midnight UTC)' -r
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand link" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand info_set" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand search" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand info" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand stat" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand auth" -l device -d 'Sign in with a code entered on another device'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand auth" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand auth_refresh" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand quota" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand df" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand user" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand whoami" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand recent" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand shared" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand drives" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand drive" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand lcd" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand lpwd" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand lls" -s l -d 'Show sizes'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand lls" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand history" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand clear" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand cache" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand comments" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand comment_add" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand comment_delete" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand help" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand exit" -s h -l help -d 'Print help'
complete -c skydrive-cli -n "__fish_skydrive_cli_using_subcommand quit" -s h -l help -d 'Print help'
