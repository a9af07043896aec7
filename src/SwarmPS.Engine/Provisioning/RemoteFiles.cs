using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Ssh;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>Backs up, restores and restarts on the host: the shell side of provisioning, kept in one place.</summary>
    internal static class RemoteFiles
    {
        /// <summary>Reload units, take the TCP socket (or drop it), and restart the engine so it receives its sockets from systemd.</summary>
        internal const string RestartEngineScript =
            "set -e; systemctl daemon-reload; " +
            "if [ -e " + RemotePaths.SocketUnit + " ]; then systemctl enable docker-tcp.socket >/dev/null 2>&1; " +
            "else systemctl disable --now docker-tcp.socket >/dev/null 2>&1 || true; fi; " +
            "systemctl stop docker.service; " +
            "if [ -e " + RemotePaths.SocketUnit + " ]; then systemctl restart docker-tcp.socket; fi; " +
            "systemctl start docker.service";

        internal static async Task<bool> ExistsAsync(IRemoteShell session, string path, CancellationToken cancellationToken)
        {
            RemoteCommandResult result = await session.SudoAsync("test -e " + ShellQuote.Quote(path), null, cancellationToken).ConfigureAwait(false);
            return result.Succeeded;
        }

        /// <summary>Puts back every managed file as it is in <paramref name="folder"/> and restarts the engine.</summary>
        internal static async Task RestoreAsync(IRemoteShell session, string folder, IOperationReporter reporter, CancellationToken cancellationToken, bool restartEngine = true, string[]? only = null)
        {
            string restores = string.Join(" ", (only ?? RemotePaths.ManagedFiles).Select(RestoreLine));
            string script =
                $"set -e; b={ShellQuote.Quote(folder)}; {restores} " +
                $"rmdir {RemotePaths.TlsDirectory} 2>/dev/null || true; " +
                (restartEngine ? RestartEngineScript : "systemctl daemon-reload");
            reporter.Verbose($"Restoring the configuration from {folder}{(restartEngine ? " and restarting the Docker engine" : string.Empty)}.");
            await session.SudoCheckedAsync(script, "RestoreFailed", $"Restoring the Docker configuration from {folder}", cancellationToken).ConfigureAwait(false);
        }

        internal static async Task<string> JournalTailAsync(IRemoteShell session, CancellationToken cancellationToken)
        {
            RemoteCommandResult journal = await session.SudoAsync("journalctl -u docker.service -n 20 --no-pager 2>&1 || true", null, cancellationToken).ConfigureAwait(false);
            return journal.Output.TrimEnd();
        }

        /// <summary>Stops and disables docker-tcp.socket and puts its unit back as it was before SwarmPS (usually: none).</summary>
        internal static string RemoveSocketScript =>
            "set -e; systemctl disable --now docker-tcp.socket >/dev/null 2>&1 || true; " +
            $"b={ShellQuote.Quote(RemotePaths.OriginalBackup)}; {RestoreLine(RemotePaths.SocketUnit)} systemctl daemon-reload";

        /// <summary>Puts one managed file back from a backup folder (removes it when it was absent).</summary>
        internal static string RestoreOneScript(string folder, string path) => $"set -e; b={ShellQuote.Quote(folder)}; {RestoreLine(path)}";

        internal static string BackupName(string path) => path.TrimStart('/').Replace('/', '_');

        internal static string RestoreLine(string f) =>
            $"if [ -e \"$b/{BackupName(f)}.absent\" ]; then rm -f {f}; elif [ -e \"$b/{BackupName(f)}\" ]; then cp -a \"$b/{BackupName(f)}\" {f}; fi;";
    }
}
