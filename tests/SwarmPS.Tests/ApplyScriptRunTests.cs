using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>A fact that runs shell scripts as root in a private mount namespace (unshare -m); skipped where that is not possible.</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class NamespaceFactAttribute : FactAttribute
    {
        public NamespaceFactAttribute()
        {
            if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/usr/bin/unshare"))
            {
                Skip = "Needs Linux, root and unshare to run the apply script against private copies of /etc/docker, /etc/systemd/system and /var/lib.";
            }
        }
    }

    /// <summary>
    /// The apply and rollback scripts run for real: in a private mount namespace where /etc/docker, /etc/systemd/system
    /// and /var/lib are empty tmpfs, with systemctl, docker and journalctl replaced by fakes that log what they are asked
    /// (docker info reports the labels in daemon.json). Nothing of the machine's own configuration is touched.
    /// </summary>
    public sealed class ApplyScriptRunTests : IDisposable
    {
        private const string OldJson = "{\"labels\": [\"storage=old\"]}\n";
        private const string NewJson = "{\"labels\": [\"storage=ssd\"]}\n";
        private const string Key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIO5secret\n-----END EC PRIVATE KEY-----\n";
        private static readonly IReadOnlyDictionary<string, string> Ssd = new Dictionary<string, string> { ["storage"] = "ssd" };

        private readonly TemporaryDirectory work = new TemporaryDirectory();

        public ApplyScriptRunTests()
        {
            string bin = Path.Combine(work.Path, "bin");
            Directory.CreateDirectory(bin);
            Fake(bin, "systemctl",
                "echo \"systemctl $*\" >> \"$FAKE_LOG\"\n" +
                "case \"$*\" in *'show -p CanReload'*) echo yes ;; esac\n" +
                "if [ \"$*\" = 'start docker.service' ] && [ -n \"${FAIL_START:-}\" ]; then echo 'Job for docker.service failed.' >&2; exit 1; fi\n" +
                "if [ \"$*\" = 'start docker.service' ] && [ -n \"${SLOW_START:-}\" ]; then sleep 3; fi\n" +
                "if [ \"$*\" = 'reload docker.service' ] && [ -n \"${FAIL_RELOAD_ONCE:-}\" ] && [ ! -e \"$WORK/reload-failed\" ]; then touch \"$WORK/reload-failed\"; echo 'Job for docker.service failed.' >&2; exit 1; fi\n" +
                "exit 0\n");
            Fake(bin, "docker", "echo \"docker $*\" >> \"$FAKE_LOG\"\ngrep -o '\"[a-z]*=[a-z]*\"' /etc/docker/daemon.json | tr -d '\"'\n");
            Fake(bin, "journalctl", "echo 'dockerd[7]: failed to start daemon'\n");
        }

        public void Dispose() => work.Dispose();

        [NamespaceFact]
        public void Restart_BacksUp_WritesFromStdin_WithTheirModes_AndRestartsTheEngine()
        {
            ApplyScript script = Sample(EngineAction.Restart);

            (int exit, string output, string log) = Run($"sh -c \"$APPLY\" < \"$INPUT\"; echo \"exit=$?\"; stat -c '%a %n' /etc/docker/swarmps/server-key.pem /etc/docker/daemon.json; cat /etc/docker/daemon.json /etc/docker/swarmps/server-key.pem; ls -A \"$B\"; test -e {ApplyScript.PidFile} && echo pid-left || echo pid-gone", script);

            Assert.Equal(0, exit);
            Assert.Contains("exit=0", output, StringComparison.Ordinal);
            Assert.Contains("600 /etc/docker/swarmps/server-key.pem", output, StringComparison.Ordinal);
            Assert.Contains("644 /etc/docker/daemon.json", output, StringComparison.Ordinal);
            Assert.Contains(NewJson + Key, output, StringComparison.Ordinal);
            Assert.Contains("etc_docker_daemon.json\n", output, StringComparison.Ordinal);
            Assert.Contains("etc_docker_swarmps_server-key.pem.absent", output, StringComparison.Ordinal);
            Assert.Contains("pid-gone", output, StringComparison.Ordinal);
            Assert.Contains("systemctl stop docker.service\n", log, StringComparison.Ordinal);
            Assert.Contains("systemctl start docker.service\n", log, StringComparison.Ordinal);
            Assert.DoesNotContain("systemctl reload", log, StringComparison.Ordinal);
            Assert.Contains("docker info", log, StringComparison.Ordinal);
        }

        [NamespaceFact]
        public void Reload_SendsTheEngineAReload_AndNeverStopsIt()
        {
            ApplyScript script = new ApplyScript(Folder, EngineAction.Reload, Ssd).Write(RemotePaths.DaemonJson, NewJson, "0644");

            (int exit, string output, string log) = Run("sh -c \"$APPLY\" < \"$INPUT\"; echo \"exit=$?\"; cat /etc/docker/daemon.json", script);

            Assert.Equal(0, exit);
            Assert.Contains("exit=0\n" + NewJson, output, StringComparison.Ordinal);
            Assert.Contains("systemctl reload docker.service", log, StringComparison.Ordinal);
            Assert.DoesNotContain("stop", log, StringComparison.Ordinal);
            Assert.DoesNotContain("start", log, StringComparison.Ordinal);
        }

        [NamespaceFact]
        public void AReloadThatFails_PutsTheFileBack_AndReloadsAgain_WithoutEverStoppingTheEngine()
        {
            ApplyScript script = new ApplyScript(Folder, EngineAction.Reload, Ssd).Write(RemotePaths.DaemonJson, NewJson, "0644");

            (int exit, string output, string log) = Run("FAIL_RELOAD_ONCE=1 sh -c \"$APPLY\" < \"$INPUT\" 2>\"$WORK/err\"; echo \"exit=$?\"; cat /etc/docker/daemon.json \"$WORK/err\"", script);

            Assert.Equal(0, exit);
            Assert.Contains($"exit={ApplyScript.EngineFailedExit}\n" + OldJson + "reloading the engine failed: Job for docker.service failed.\n", output, StringComparison.Ordinal);
            Assert.Equal(2, log.Split('\n').Count(line => line == "systemctl reload docker.service"));
            Assert.DoesNotContain("stop", log, StringComparison.Ordinal);
            Assert.DoesNotContain("start", log, StringComparison.Ordinal);
        }

        [NamespaceFact]
        public void AnEngineThatDoesNotStart_GetsItsFilesBack_AndTheJournalIsReported()
        {
            ApplyScript script = Sample(EngineAction.Restart);

            (int exit, string output, string _) = Run("FAIL_START=1 sh -c \"$APPLY\" < \"$INPUT\" 2>\"$WORK/err\"; echo \"exit=$?\"; cat /etc/docker/daemon.json; ls -A /etc/docker; cat \"$WORK/err\"", script);

            Assert.Equal(0, exit);
            Assert.Contains($"exit={ApplyScript.EngineFailedExit}", output, StringComparison.Ordinal);
            Assert.Contains(ApplyScript.JournalPrefix + "dockerd[7]: failed to start daemon", output, StringComparison.Ordinal);
            Assert.Contains(OldJson + "daemon.json\n", output, StringComparison.Ordinal);
            Assert.Contains("restarting the engine failed: Job for docker.service failed.", output, StringComparison.Ordinal);
        }

        [NamespaceFact]
        public void Rollback_AfterTheApply_PutsTheFilesBack_AndRestarts()
        {
            ApplyScript script = Sample(EngineAction.Restart);

            (int _, string output, string _) = Run("sh -c \"$APPLY\" < \"$INPUT\" >/dev/null; sh -c \"$ROLLBACK\"; echo \"rollback=$?\"; cat /etc/docker/daemon.json; ls -A /etc/docker", script);

            Assert.Contains("engine=restarted\nrollback=0\n" + OldJson + "daemon.json\n", output, StringComparison.Ordinal);
        }

        [NamespaceFact]
        public void Rollback_DuringTheRestart_StopsTheApply_AndPutsTheFilesBack()
        {
            ApplyScript script = Sample(EngineAction.Restart);

            (int _, string output, string _) = Run("SLOW_START=1 sh -c \"$APPLY\" < \"$INPUT\" >/dev/null & until [ -e \"$B/.activated\" ]; do sleep 0.05; done; sleep 0.3; sh -c \"$ROLLBACK\"; echo \"rollback=$?\"; wait; cat /etc/docker/daemon.json", script);

            Assert.Contains("engine=restarted\nrollback=0\n" + OldJson, output, StringComparison.Ordinal);
        }

        [NamespaceFact]
        public void Rollback_BeforeTheApplyStarts_LeavesAMarkThatTheApplyObeys()
        {
            ApplyScript script = Sample(EngineAction.Restart);

            (int _, string output, string log) = Run("sh -c \"$ROLLBACK\"; sh -c \"$APPLY\" < \"$INPUT\"; echo \"exit=$?\"; cat /etc/docker/daemon.json; ls -A /etc/docker", script);

            Assert.Contains($"nothing\nexit={ApplyScript.StoppedExit}\n" + OldJson + "daemon.json\n", output, StringComparison.Ordinal);
            Assert.DoesNotContain("start", log, StringComparison.Ordinal);
        }

        private static string Folder => "/var/lib/swarmps/backup/20261202T000000000Z";

        private static ApplyScript Sample(EngineAction engine) =>
            new ApplyScript(Folder, engine, Ssd)
                .Write(RemotePaths.ServerKey, Key, "0600")
                .Write(RemotePaths.DaemonJson, NewJson, "0644");

        private static void Fake(string bin, string name, string body)
        {
            string path = Path.Combine(bin, name);
            File.WriteAllText(path, "#!/bin/sh\n" + body);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // Runs the commands in a new mount namespace whose /etc/docker (holding OldJson), /etc/systemd/system and /var/lib are empty tmpfs.
        private (int Exit, string Output, string Log) Run(string commands, ApplyScript script)
        {
            string log = Path.Combine(work.Path, "log");
            File.WriteAllText(log, string.Empty);
            File.WriteAllText(Path.Combine(work.Path, "apply.sh"), script.Text());
            File.WriteAllText(Path.Combine(work.Path, "rollback.sh"), ApplyScript.RollbackText(script.BackupFolder, script.Engine));
            File.WriteAllBytes(Path.Combine(work.Path, "input"), script.Input());
            string inside =
                "set -u; mount -t tmpfs none /etc/docker && mount -t tmpfs none /etc/systemd/system && mount -t tmpfs none /var/lib || exit 90; " +
                $"printf '%s' '{OldJson}' > /etc/docker/daemon.json; " +
                "export PATH=\"$WORK/bin:$PATH\" FAKE_LOG=\"$WORK/log\" APPLY=\"$(cat \"$WORK/apply.sh\")\" ROLLBACK=\"$(cat \"$WORK/rollback.sh\")\" INPUT=\"$WORK/input\" B=" + Folder + "; " +
                commands;
            var start = new ProcessStartInfo("/usr/bin/unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[] { "-m", "--propagation", "private", "bash", "-c", inside })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["WORK"] = work.Path;
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode != 90, "Could not mount the private tmpfs: " + errors);
            return (process.ExitCode, output, File.ReadAllText(log));
        }
    }
}
