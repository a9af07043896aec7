using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using SwarmPS.Engine.Ssh;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>What the engine must do to take a change: nothing, reload its configuration (SIGHUP), or restart.</summary>
    public enum EngineAction
    {
        None,
        Reload,
        Restart,
    }

    /// <summary>
    /// Composes the one shell script that applies a change on a host in one SSH round trip: back up every managed
    /// file, write the new ones, reload or restart the engine, wait on the host until the engine answers on its local
    /// socket with the expected labels, and put everything back when it does not. File contents (the server key
    /// among them) travel on stdin, one base64 line per file, never on the command line.
    /// </summary>
    /// <remarks>
    /// How it ends is told by its exit code (<see cref="BackupFailedExit"/>, <see cref="WriteFailedExit"/>,
    /// <see cref="EngineFailedExit"/>); the reason is the last line of stderr, the engine's journal the stdout lines
    /// that start with <see cref="JournalPrefix"/>.
    /// </remarks>
    internal sealed class ApplyScript
    {
        /// <summary>Nothing was changed: the backup could not be taken.</summary>
        internal const int BackupFailedExit = 10;

        /// <summary>A file could not be written; those already written were put back, the engine was not touched.</summary>
        internal const int WriteFailedExit = 11;

        /// <summary>The engine did not come back as expected; the files were put back and the engine restarted (or reloaded) with them.</summary>
        internal const int EngineFailedExit = 12;

        /// <summary>A rollback after Ctrl+C came first: nothing was changed.</summary>
        internal const int StoppedExit = 13;

        internal const string JournalPrefix = "journal: ";

        /// <summary>A word in the script's own command line, so a rollback can tell the script from any other process.</summary>
        internal const string Marker = "swarmps-apply";

        /// <summary>Where the running script leaves its process id, so a rollback after Ctrl+C can stop it first.</summary>
        internal const string PidFile = "/var/lib/swarmps/apply.pid";

        internal static readonly TimeSpan EngineTimeout = TimeSpan.FromSeconds(60);

        private readonly List<(string Path, string Mode, string Content)> writes = new List<(string, string, string)>();

        internal ApplyScript(string backupFolder, EngineAction engine, IReadOnlyDictionary<string, string> expectedLabels)
        {
            BackupFolder = backupFolder;
            Engine = engine;
            ExpectedLabels = expectedLabels;
        }

        internal string BackupFolder { get; }

        internal EngineAction Engine { get; }

        internal IReadOnlyDictionary<string, string> ExpectedLabels { get; }

        /// <summary>The paths to write, in order.</summary>
        internal IReadOnlyList<string> Writes => writes.Select(w => w.Path).ToList();

        /// <summary>A new folder for one change's backup, under <see cref="RemotePaths.ChangeBackups"/>, named by the time in UTC.</summary>
        internal static string NewBackupFolder() => $"{RemotePaths.ChangeBackups}/{DateTime.UtcNow:yyyyMMddTHHmmssfffZ}";

        /// <summary>Adds a file to write atomically (temporary file, then rename) with the given octal mode.</summary>
        internal ApplyScript Write(string path, string content, string mode)
        {
            writes.Add((path, mode, content));
            return this;
        }

        /// <summary>The script's stdin: one base64 line per file, in the order of <see cref="Writes"/>.</summary>
        internal byte[] Input()
        {
            var input = new StringBuilder();
            foreach ((string _, string _, string content) in writes)
            {
                input.Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(content))).Append('\n');
            }

            return Encoding.ASCII.GetBytes(input.ToString());
        }

        /// <summary>The script (POSIX sh, also valid bash). Holds paths and labels, never a file's content.</summary>
        internal string Text()
        {
            var s = new StringBuilder();
            s.AppendLine($"# {Marker}: back up, write, {Engine.ToString().ToLowerInvariant()} the engine, wait for it, roll back on failure");
            s.AppendLine("umask 077");
            s.AppendLine($"b={ShellQuote.Quote(BackupFolder)}");
            s.AppendLine("fail() { code=$1; shift; printf '%s\\n' \"$(printf '%s' \"$*\" | tr '\\n' ' ')\" >&2; exit \"$code\"; }");
            s.AppendLine(RestoreFunction());
            s.AppendLine(EngineFunctions());
            s.AppendLine(ReadyFunction(ExpectedLabels));

            // 0. Leave the process id where a rollback after Ctrl+C finds it, then look whether that rollback came first.
            s.AppendLine($"mkdir -p \"$b\" || fail {BackupFailedExit} \"Backing up the Docker configuration: cannot create $b.\"");
            s.AppendLine($"echo $$ > {PidFile}");
            s.AppendLine($"trap 'rm -f {PidFile}' EXIT");
            s.AppendLine($"[ ! -e \"$b/.stopped\" ] || fail {StoppedExit} \"Stopped before anything was changed.\"");

            // 1. Backup: every managed file (or an ".absent" marker); the first backup ever is also the host's original.
            foreach (string file in RemotePaths.ManagedFiles)
            {
                string copy = "\"$b/" + RemoteFiles.BackupName(file) + "\"";
                s.AppendLine($"if [ -e {file} ]; then cp -a {file} {copy}; else touch \"$b/{RemoteFiles.BackupName(file)}.absent\"; fi || fail {BackupFailedExit} \"Backing up {file} to $b failed.\"");
            }

            s.AppendLine($"if [ ! -d {RemotePaths.OriginalBackup} ]; then cp -a \"$b\" {RemotePaths.OriginalBackup} || fail {BackupFailedExit} \"Keeping the original configuration in {RemotePaths.OriginalBackup} failed.\"; fi");
            s.AppendLine("touch \"$b/.backed-up\"");

            // 2. Writes: each file from its line on stdin, to a temporary file renamed into place.
            s.AppendLine("put() {");
            s.AppendLine("  IFS= read -r data || { echo \"Writing $1 on the host failed: its content did not arrive.\" >&2; return 1; }");
            s.AppendLine("  mkdir -p \"$(dirname \"$1\")\" && printf '%s' \"$data\" | base64 -d > \"$1.swarmps-tmp\" && chmod \"$2\" \"$1.swarmps-tmp\" && mv -f \"$1.swarmps-tmp\" \"$1\"");
            s.AppendLine("  r=$?; data=; if [ \"$r\" -ne 0 ]; then rm -f \"$1.swarmps-tmp\"; echo \"Writing $1 on the host failed.\" >&2; fi; return \"$r\"");
            s.AppendLine("}");
            if (writes.Count > 0)
            {
                string puts = string.Join(" && ", writes.Select(w => $"put {ShellQuote.Quote(w.Path)} {w.Mode}"));
                s.AppendLine($"if ! {{ {puts}; }}; then restore_files; systemctl daemon-reload; exit {WriteFailedExit}; fi");
            }

            // 3. The engine takes the change; 4. wait on the host until it answers with the labels, else roll back.
            if (Engine != EngineAction.None)
            {
                string act = Engine == EngineAction.Restart ? "restart_engine" : "reload_engine";
                s.AppendLine("touch \"$b/.activated\"");
                s.AppendLine($"if ! why=$({act} 2>&1); then rollback {act} \"{(Engine == EngineAction.Restart ? "restarting" : "reloading")} the engine failed: $why\"; fi");
                s.AppendLine($"wait_ready || rollback {act} \"$why\"");
            }

            s.AppendLine("exit 0");
            return s.ToString();
        }

        /// <summary>
        /// Undoes an apply after Ctrl+C, in one round trip: stops the apply script if it still runs, puts every file
        /// back from its backup, and restarts (or reloads) the engine only if the apply had already got that far.
        /// Prints "engine=restarted", "engine=reloaded", "engine=untouched" or "nothing" (the backup was never made).
        /// </summary>
        internal static string RollbackText(string backupFolder, EngineAction engine)
        {
            var s = new StringBuilder();
            s.AppendLine($"b={ShellQuote.Quote(backupFolder)}");

            // An apply that has not started yet sees the mark and changes nothing; one that runs is stopped, and waited for.
            s.AppendLine("mkdir -p \"$b\" && touch \"$b/.stopped\" || exit 1");
            s.AppendLine($"p=$(cat {PidFile} 2>/dev/null)");
            s.AppendLine($"if [ -n \"$p\" ] && grep -qa {Marker} \"/proc/$p/cmdline\" 2>/dev/null; then");
            s.AppendLine("  kill \"$p\" 2>/dev/null; i=0");
            s.AppendLine("  while [ -r \"/proc/$p/status\" ] && ! grep -q '^State:[[:space:]]*Z' \"/proc/$p/status\" && [ \"$i\" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done");
            s.AppendLine($"  rm -f {PidFile}");
            s.AppendLine("fi");

            // No complete backup: nothing was written yet. The folder stays, with its mark, for an apply still to start.
            s.AppendLine("if [ ! -e \"$b/.backed-up\" ]; then echo nothing; exit 0; fi");
            s.AppendLine(RestoreFunction());
            s.AppendLine(EngineFunctions());
            s.AppendLine("restore_files || exit 1");
            string act = engine == EngineAction.Restart ? "restart_engine" : engine == EngineAction.Reload ? "reload_engine" : string.Empty;
            s.AppendLine(act.Length == 0
                ? "systemctl daemon-reload; echo engine=untouched"
                : $"if [ -e \"$b/.activated\" ]; then {act} || exit 1; echo engine={(engine == EngineAction.Restart ? "restarted" : "reloaded")}; else systemctl daemon-reload; echo engine=untouched; fi");
            return s.ToString();
        }

        private static string RestoreFunction()
        {
            string lines = string.Join(Environment.NewLine, RemotePaths.ManagedFiles.Select(f => "  " + RemoteFiles.RestoreLine(f).TrimEnd(';') + " || ok=1"));
            return "restore_files() {" + Environment.NewLine +
                "  ok=0" + Environment.NewLine +
                lines + Environment.NewLine +
                $"  rmdir {RemotePaths.TlsDirectory} 2>/dev/null" + Environment.NewLine +
                "  return $ok" + Environment.NewLine +
                "}";
        }

        private static string EngineFunctions() =>
            // Reload units, take the TCP socket (or drop it), and restart the engine so it receives its sockets from systemd.
            "restart_engine() {" + Environment.NewLine +
            "  systemctl daemon-reload || return 1" + Environment.NewLine +
            $"  if [ -e {RemotePaths.SocketUnit} ]; then systemctl enable docker-tcp.socket >/dev/null 2>&1 || return 1;" + Environment.NewLine +
            "  else systemctl disable --now docker-tcp.socket >/dev/null 2>&1; fi" + Environment.NewLine +
            "  systemctl stop docker.service || return 1" + Environment.NewLine +
            $"  if [ -e {RemotePaths.SocketUnit} ]; then systemctl restart docker-tcp.socket || return 1; fi" + Environment.NewLine +
            "  systemctl start docker.service" + Environment.NewLine +
            "}" + Environment.NewLine +
            // Reload through the unit's ExecReload when it has one, else send dockerd the SIGHUP that reload would.
            "reload_engine() {" + Environment.NewLine +
            "  if [ \"$(systemctl show -p CanReload --value docker.service)\" = yes ]; then systemctl reload docker.service;" + Environment.NewLine +
            "  else systemctl kill -s HUP --kill-who=main docker.service; fi" + Environment.NewLine +
            "}";

        private static string ReadyFunction(IReadOnlyDictionary<string, string> expectedLabels)
        {
            string checks = string.Concat(expectedLabels.Select(l =>
                $"  printf '%s\\n' \"$have\" | grep -qxF -- {ShellQuote.Quote(l.Key + "=" + l.Value)} || {{ why=\"the engine reports labels: $(printf '%s' \"$have\" | tr '\\n' ' ')\"; return 1; }}" + Environment.NewLine));
            return
                // One check of the engine on its local socket: it answers, and reports every expected label.
                "ready() {" + Environment.NewLine +
                "  have=$(timeout 10 docker info --format '{{range .Labels}}{{println .}}{{end}}' 2>/dev/null) || { why=\"the engine does not answer on its local socket\"; return 1; }" + Environment.NewLine +
                checks +
                "  return 0" + Environment.NewLine +
                "}" + Environment.NewLine +
                // systemctl start returns once dockerd says it is ready, so the first check usually passes; a reload is asynchronous.
                "wait_ready() {" + Environment.NewLine +
                $"  deadline=$(( $(date +%s) + {(int)EngineTimeout.TotalSeconds} ))" + Environment.NewLine +
                "  until ready; do" + Environment.NewLine +
                "    [ \"$(date +%s)\" -lt \"$deadline\" ] || return 1" + Environment.NewLine +
                "    sleep 0.1" + Environment.NewLine +
                "  done" + Environment.NewLine +
                "}" + Environment.NewLine +
                // The engine did not come back: keep its journal, put the files back, restart (or reload) with them.
                "rollback() {" + Environment.NewLine +
                "  journalctl -u docker.service -n 20 --no-pager 2>&1 | sed " + ShellQuote.Quote("s/^/" + JournalPrefix + "/") + Environment.NewLine +
                "  restore_files" + Environment.NewLine +
                "  \"$1\" >/dev/null 2>&1 || restored=' (and it did not come back with the previous one either)'" + Environment.NewLine +
                $"  fail {EngineFailedExit} \"$2${{restored:-}}\"" + Environment.NewLine +
                "}";
        }
    }
}
