using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Engine.Ssh;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>
    /// HostFacts' probe run for real by sh, with systemctl and docker replaced by fakes that answer as a host would:
    /// the facts it parses are the ones those answers say, whichever way the script gathers them.
    /// </summary>
    public sealed class HostFactsProbeRunTests : IDisposable
    {
        private readonly TemporaryDirectory work = new TemporaryDirectory();

        public void Dispose() => work.Dispose();

        [ShellFact]
        public async Task Probe_OfARunningEngine_ReadsItsState_ContainersAndLabels()
        {
            LocalShell shell = Host(
                systemctl: "case \"$*\" in 'is-active docker-tcp.socket docker.service') printf 'inactive\\nactive\\n' ;; 'is-enabled docker-tcp.socket') echo disabled ;; *ExecStart*) echo '{ argv[]=/usr/bin/dockerd -H fd:// ; }' ;; esac",
                docker: "[ \"$1\" = info ] && echo '2 1 [\"storage=ssd\",\"zone=eu west\"]'");

            HostFacts facts = await HostFacts.GatherAsync(shell, CancellationToken.None);

            Assert.True(facts.DockerActive);
            Assert.False(facts.SocketActive);
            Assert.False(facts.SocketEnabled);
            Assert.True(facts.DockerUsesSystemdSockets);
            Assert.Equal(3, facts.RunningContainers);
            Assert.Equal(new Dictionary<string, string> { ["storage"] = "ssd", ["zone"] = "eu west" }, facts.LiveLabels);
            Assert.Equal(1, shell.Runs);
        }

        [ShellFact]
        public async Task Probe_OfAStoppedEngine_SaysSo_WithNoContainersAndNoLabels()
        {
            LocalShell shell = Host(
                systemctl: "case \"$*\" in 'is-active docker-tcp.socket docker.service') printf 'active\\ninactive\\n'; exit 3 ;; 'is-enabled docker-tcp.socket') echo enabled ;; esac",
                docker: "echo 'Cannot connect to the Docker daemon' >&2; exit 1");

            HostFacts facts = await HostFacts.GatherAsync(shell, CancellationToken.None);

            Assert.False(facts.DockerActive);
            Assert.True(facts.SocketActive);
            Assert.True(facts.SocketEnabled);
            Assert.Equal(0, facts.RunningContainers);
            Assert.Empty(facts.LiveLabels);
        }

        private LocalShell Host(string systemctl, string docker)
        {
            string bin = Path.Combine(work.Path, "bin");
            Directory.CreateDirectory(bin);
            foreach ((string name, string body) in new[] { ("systemctl", systemctl), ("docker", docker) })
            {
                string path = Path.Combine(bin, name);
                File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            return new LocalShell(bin);
        }

        /// <summary>A fact that runs sh scripts; skipped where there is no /bin/sh.</summary>
        [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
        private sealed class ShellFactAttribute : FactAttribute
        {
            public ShellFactAttribute()
            {
                if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh"))
                {
                    Skip = "Needs /bin/sh to run the probe script.";
                }
            }
        }

        /// <summary>Runs each command with sh on this machine, the fakes first on PATH; nothing else.</summary>
        private sealed class LocalShell : IRemoteShell
        {
            private readonly string bin;

            public LocalShell(string bin) => this.bin = bin;

            public int Runs { get; private set; }

            public string Name => "local";

            public string Address => "127.0.0.1";

            public Task<RemoteCommandResult> RunAsync(string command, byte[]? input, CancellationToken cancellationToken) => SudoAsync(command, input, cancellationToken);

            public async Task<RemoteCommandResult> SudoAsync(string command, byte[]? input, CancellationToken cancellationToken)
            {
                Runs++;
                var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add(command);
                start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
                using Process process = Process.Start(start)!;
                Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
                Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
                await process.WaitForExitAsync(cancellationToken);
                return new RemoteCommandResult(process.ExitCode, await output, await error);
            }

            public Task<string> SudoCheckedAsync(string command, string errorId, string whatFailed, CancellationToken cancellationToken, byte[]? input = null) =>
                throw new NotSupportedException();

            public Task<RemoteFileSet> ReadFilesAsync(IReadOnlyList<string> read, IReadOnlyList<string> probeOnly, CancellationToken cancellationToken) =>
                throw new NotSupportedException();

            public Task WriteFileAsync(string path, string content, string mode, CancellationToken cancellationToken) =>
                throw new NotSupportedException();
        }
    }
}
