using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Engine.Ssh;

namespace SwarmPS.Tests.Fakes
{
    /// <summary>
    /// A host without SSH: answers HostFacts' probe with <see cref="Facts"/> (key=value lines) and the files it asks
    /// for from <see cref="Files"/> (a path that is not there does not exist), runs the writes of an apply script
    /// from its stdin (answering with <see cref="ApplyExitCode"/>), and records every other command and every
    /// write. By default it is a healthy systemd host with Docker and nothing SwarmPS made.
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

        /// <summary>Every command run (probe included) and every file written: one SSH round trip each on a real host.</summary>
        public int RoundTrips { get; private set; }

        /// <summary>What every command got on stdin, in order (empty when nothing).</summary>
        public List<byte[]> Inputs { get; } = new List<byte[]>();

        /// <summary>How an apply script ends: 0, or one of ApplyScript's failure exits.</summary>
        public int ApplyExitCode { get; set; }

        /// <summary>What an apply script prints on stderr and stdout.</summary>
        public string ApplyError { get; set; } = string.Empty;

        public string ApplyOutput { get; set; } = string.Empty;

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

        /// <summary>Answers a command instead of the default (null: the default answer).</summary>
        public Func<string, RemoteCommandResult?>? Respond { get; set; }

        /// <summary>Every token the commands were run with, in order: a cancelled one cannot run anything on a real host.</summary>
        public List<bool> CommandTokensCancelled { get; } = new List<bool>();

        public Task<RemoteCommandResult> RunAsync(string command, byte[]? input, CancellationToken cancellationToken) => Answer(command, input, cancellationToken);

        public Task<RemoteCommandResult> SudoAsync(string command, byte[]? input, CancellationToken cancellationToken) => Answer(command, input, cancellationToken);

        public async Task<string> SudoCheckedAsync(string command, string errorId, string whatFailed, CancellationToken cancellationToken, byte[]? input = null) =>
            (await Answer(command, input, cancellationToken).ConfigureAwait(false)).Output;

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
            RoundTrips++;
            writes.Add(path);
            Files[path] = content;
            return Task.CompletedTask;
        }

        private Task<RemoteCommandResult> Answer(string command, byte[]? input, CancellationToken cancellationToken)
        {
            // A real session cannot start a command under a cancelled token either.
            cancellationToken.ThrowIfCancellationRequested();
            RoundTrips++;
            Inputs.Add(input ?? Array.Empty<byte>());
            if (command.StartsWith(ProbeStart, StringComparison.Ordinal))
            {
                Probes++;
                return Task.FromResult(new RemoteCommandResult(0, ProbeAnswer(command), string.Empty));
            }

            commands.Add(command);
            CommandTokensCancelled.Add(cancellationToken.IsCancellationRequested);
            OnCommand?.Invoke(command);
            RemoteCommandResult? answer = Respond?.Invoke(command);
            if (answer != null)
            {
                return Task.FromResult(answer);
            }

            if (command.Contains(ApplyScript.Marker, StringComparison.Ordinal) && command.Contains("put() {", StringComparison.Ordinal))
            {
                RunApplyWrites(command, input);
                return Task.FromResult(new RemoteCommandResult(ApplyExitCode, ApplyOutput, ApplyError));
            }

            return Task.FromResult(new RemoteCommandResult(0, string.Empty, string.Empty));
        }

        // The facts, then a line per file the probe reads ("file.N=" base64 or '-') or looks for ("exists.N=" '+' or '-').
        private string ProbeAnswer(string command)
        {
            var answer = new StringBuilder();
            foreach (KeyValuePair<string, string> fact in Facts)
            {
                answer.Append($"{fact.Key}={fact.Value}\n");
            }

            foreach (Match file in Regex.Matches(command, "swarmps_read (\\d+) '([^']+)'"))
            {
                string path = file.Groups[2].Value;
                read.Add(path);
                answer.Append($"file.{file.Groups[1].Value}={(Files.TryGetValue(path, out string? text) ? Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) : "-")}\n");
            }

            foreach (Match file in Regex.Matches(command, "swarmps_exists (\\d+) '([^']+)'"))
            {
                string path = file.Groups[2].Value;
                probed.Add(path);
                answer.Append($"exists.{file.Groups[1].Value}={(Files.ContainsKey(path) ? "+" : "-")}\n");
            }

            return answer.ToString();
        }

        // An apply script writes each file it puts from its line of stdin (base64), in order; a failed one writes nothing.
        private void RunApplyWrites(string command, byte[]? input)
        {
            if (ApplyExitCode == ApplyScript.BackupFailedExit || ApplyExitCode == ApplyScript.WriteFailedExit)
            {
                return;
            }

            string[] lines = Encoding.ASCII.GetString(input ?? Array.Empty<byte>()).Split('\n');
            int index = 0;
            foreach (Match put in Regex.Matches(command, "put '([^']+)' (\\d+)"))
            {
                string path = put.Groups[1].Value;
                writes.Add(path);
                Files[path] = Encoding.UTF8.GetString(Convert.FromBase64String(lines[index++]));
            }
        }
    }
}
