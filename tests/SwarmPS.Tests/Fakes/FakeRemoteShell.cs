using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Ssh;

namespace SwarmPS.Tests.Fakes
{
    /// <summary>
    /// A host without SSH: answers HostFacts' probe with <see cref="Facts"/> (key=value lines), reads files
    /// from <see cref="Files"/> (a path that is not there does not exist) and records every other command
    /// and every write. By default it is a healthy systemd host with Docker and nothing SwarmPS made.
    /// </summary>
    public sealed class FakeRemoteShell : IRemoteShell
    {
        // HostFacts' probe is one script whose first line reports systemd.
        private const string ProbeStart = "echo \"systemd=";

        private readonly List<string> commands = new List<string>();
        private readonly List<string> writes = new List<string>();
        private readonly List<string> read = new List<string>();
        private readonly List<string> probed = new List<string>();

        public FakeRemoteShell(string name = "core-01", string address = "10.0.0.1")
        {
            Name = name;
            Address = address;
            Facts = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["systemd"] = "yes",
                ["dockerd"] = "yes",
                ["hostname"] = name,
                ["addresses"] = address,
                ["execstart"] = "{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock ; }",
                ["socket_enabled"] = "disabled",
                ["socket_active"] = "inactive",
                ["docker_active"] = "active",
                ["running"] = "0",
                ["labels"] = "[]",
            };
        }

        public string Name { get; }

        public string Address { get; }

        public Dictionary<string, string> Facts { get; }

        public Dictionary<string, string> Files { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>Commands run, other than the facts probe.</summary>
        public IReadOnlyList<string> Commands => commands;

        public int Probes { get; private set; }

        /// <summary>Paths written, in order.</summary>
        public IReadOnlyList<string> Writes => writes;

        /// <summary>Paths whose content was read.</summary>
        public IReadOnlyList<string> Read => read;

        /// <summary>Paths only looked for.</summary>
        public IReadOnlyList<string> Probed => probed;

        /// <summary>The labels docker info reports now.</summary>
        public void SetLiveLabels(IReadOnlyDictionary<string, string> labels) =>
            Facts["labels"] = JsonSerializer.Serialize(labels.Select(l => $"{l.Key}={l.Value}").ToArray());

        /// <summary>Called with each command before it is answered, as a host would see it run (a test presses Ctrl+C here).</summary>
        public Action<string>? OnCommand { get; set; }

        /// <summary>Every token the commands were run with, in order: a cancelled one cannot run anything on a real host.</summary>
        public List<bool> CommandTokensCancelled { get; } = new List<bool>();

        public Task<RemoteCommandResult> RunAsync(string command, byte[]? input, CancellationToken cancellationToken) => Answer(command, cancellationToken);

        public Task<RemoteCommandResult> SudoAsync(string command, byte[]? input, CancellationToken cancellationToken) => Answer(command, cancellationToken);

        public async Task<string> SudoCheckedAsync(string command, string errorId, string whatFailed, CancellationToken cancellationToken, byte[]? input = null) =>
            (await Answer(command, cancellationToken).ConfigureAwait(false)).Output;

        public Task<RemoteFileSet> ReadFilesAsync(IReadOnlyList<string> read, IReadOnlyList<string> probeOnly, CancellationToken cancellationToken)
        {
            this.read.AddRange(read);
            probed.AddRange(probeOnly);
            return Task.FromResult(new RemoteFileSet(
                read.ToDictionary(path => path, path => Files.TryGetValue(path, out string? text) ? text : null),
                probeOnly.ToDictionary(path => path, path => Files.ContainsKey(path))));
        }

        public Task WriteFileAsync(string path, string content, string mode, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            writes.Add(path);
            Files[path] = content;
            return Task.CompletedTask;
        }

        private Task<RemoteCommandResult> Answer(string command, CancellationToken cancellationToken)
        {
            // A real session cannot start a command under a cancelled token either.
            cancellationToken.ThrowIfCancellationRequested();
            if (command.StartsWith(ProbeStart, StringComparison.Ordinal))
            {
                Probes++;
                return Task.FromResult(new RemoteCommandResult(0, string.Join("\n", Facts.Select(f => $"{f.Key}={f.Value}")) + "\n", string.Empty));
            }

            commands.Add(command);
            CommandTokensCancelled.Add(cancellationToken.IsCancellationRequested);
            OnCommand?.Invoke(command);
            return Task.FromResult(new RemoteCommandResult(0, string.Empty, string.Empty));
        }
    }
}
