using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SwarmPS.Engine.Ssh
{
    /// <summary>
    /// What provisioning needs of a host: commands as the login user or as root, and files read and
    /// written in one round trip. <see cref="HostSession"/> does it over SSH; tests give canned answers,
    /// so a plan's decisions can be checked without a host.
    /// </summary>
    public interface IRemoteShell
    {
        /// <summary>The host's name as the operator gave it.</summary>
        string Name { get; }

        /// <summary>The address the session dialled.</summary>
        string Address { get; }

        Task<RemoteCommandResult> RunAsync(string command, byte[]? input, CancellationToken cancellationToken);

        Task<RemoteCommandResult> SudoAsync(string command, byte[]? input, CancellationToken cancellationToken);

        /// <summary>Runs a command as root; a non-zero exit becomes a SwarmException with <paramref name="errorId"/>.</summary>
        Task<string> SudoCheckedAsync(string command, string errorId, string whatFailed, CancellationToken cancellationToken, byte[]? input = null);

        Task<RemoteFileSet> ReadFilesAsync(IReadOnlyList<string> read, IReadOnlyList<string> probeOnly, CancellationToken cancellationToken);

        Task WriteFileAsync(string path, string content, string mode, CancellationToken cancellationToken);
    }
}
