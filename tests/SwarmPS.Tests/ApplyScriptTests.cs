using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using SwarmPS.Engine.Provisioning;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>The one remote script of Enable-DockerTcpSocket's change: valid shell, contents on stdin only, the right engine step.</summary>
    public sealed class ApplyScriptTests
    {
        private const string Key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIO5secret\n-----END EC PRIVATE KEY-----\n";
        private static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string> { ["storage"] = "ssd", ["team"] = "it's blue" };

        [Theory]
        [InlineData(EngineAction.Restart)]
        [InlineData(EngineAction.Reload)]
        [InlineData(EngineAction.None)]
        public void Text_IsValidBashAndPosixSh(EngineAction engine)
        {
            ApplyScript script = Sample(engine);

            AssertSyntax("bash", script.Text());
            AssertSyntax("sh", script.Text());
            AssertSyntax("bash", ApplyScript.RollbackText(script.BackupFolder, engine));
            AssertSyntax("sh", ApplyScript.RollbackText(script.BackupFolder, engine));
        }

        [Fact]
        public void Contents_GoOnStdin_OneBase64LinePerFile_InOrder_NeverOnTheCommandLine()
        {
            ApplyScript script = Sample(EngineAction.Restart);

            string text = script.Text();
            Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
            Assert.DoesNotContain("MHcCAQEEIO5secret", text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Key)), text, StringComparison.Ordinal);
            string[] lines = Encoding.ASCII.GetString(script.Input()).Split('\n');
            Assert.Equal(3, lines.Length);
            Assert.Equal(string.Empty, lines[2]);
            Assert.Equal(Key, Encoding.UTF8.GetString(Convert.FromBase64String(lines[0])));
            Assert.Equal("{}\n", Encoding.UTF8.GetString(Convert.FromBase64String(lines[1])));
            Assert.True(text.IndexOf($"put '{RemotePaths.ServerKey}' 0600", StringComparison.Ordinal) < text.IndexOf($"put '{RemotePaths.DaemonJson}' 0644", StringComparison.Ordinal));
        }

        [Fact]
        public void BacksUpEveryManagedFile_BeforeTheFirstWrite()
        {
            string text = Sample(EngineAction.Restart).Text();

            int firstWrite = text.IndexOf("if ! { put ", StringComparison.Ordinal);
            foreach (string file in RemotePaths.ManagedFiles)
            {
                int backup = text.IndexOf($"cp -a {file} \"$b/", StringComparison.Ordinal);
                Assert.InRange(backup, 0, firstWrite);
            }

            Assert.InRange(text.IndexOf($"cp -a \"$b\" {RemotePaths.OriginalBackup}", StringComparison.Ordinal), 0, firstWrite);
        }

        [Theory]
        [InlineData(EngineAction.Restart, "restart_engine", "reload_engine")]
        [InlineData(EngineAction.Reload, "reload_engine", "restart_engine")]
        public void RunsOnlyTheEngineStepAsked_AndRollsBackWithTheSame(EngineAction engine, string runs, string never)
        {
            string text = Sample(engine).Text();

            Assert.Contains($"if ! why=$({runs} 2>&1); then rollback {runs} ", text, StringComparison.Ordinal);
            Assert.Contains($"wait_ready || rollback {runs} \"$why\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain($"$({never}", text, StringComparison.Ordinal);
            Assert.DoesNotContain($"rollback {never}", text, StringComparison.Ordinal);
        }

        [Fact]
        public void WithNothingForTheEngine_NeitherReloadsNorRestarts()
        {
            string text = Sample(EngineAction.None).Text();

            Assert.DoesNotContain("why=$(", text, StringComparison.Ordinal);
            Assert.DoesNotContain("wait_ready ||", text, StringComparison.Ordinal);
        }

        [Fact]
        public void WaitsForEveryExpectedLabel_QuotedForTheShell()
        {
            string text = Sample(EngineAction.Reload).Text();

            Assert.Contains("grep -qxF -- 'storage=ssd'", text, StringComparison.Ordinal);
            Assert.Contains("grep -qxF -- 'team=it'\\''s blue'", text, StringComparison.Ordinal);
        }

        [Fact]
        public void Rollback_RestartsOnlyWhenTheApplyGotThatFar()
        {
            string restart = ApplyScript.RollbackText("/var/lib/swarmps/backup/x", EngineAction.Restart);
            string none = ApplyScript.RollbackText("/var/lib/swarmps/backup/x", EngineAction.None);

            Assert.Contains("if [ -e \"$b/.activated\" ]; then restart_engine || exit 1; echo engine=restarted; else systemctl daemon-reload; echo engine=untouched; fi", restart, StringComparison.Ordinal);
            Assert.Contains("echo engine=untouched", none, StringComparison.Ordinal);
            Assert.DoesNotContain("restart_engine ||", none, StringComparison.Ordinal);
            Assert.Contains($"grep -qa {ApplyScript.Marker} \"/proc/$p/cmdline\"", restart, StringComparison.Ordinal);
        }

        private static ApplyScript Sample(EngineAction engine) =>
            new ApplyScript("/var/lib/swarmps/backup/20261202T000000000Z", engine, Labels)
                .Write(RemotePaths.ServerKey, Key, "0600")
                .Write(RemotePaths.DaemonJson, "{}\n", "0644");

        private static void AssertSyntax(string shell, string script)
        {
            string program = TestEnvironment.RequireOnPath(shell, shell == "sh" ? "dash" : "bash");
            var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-n");
            using Process process = Process.Start(start)!;
            process.StandardInput.Write(script);
            process.StandardInput.Close();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{shell} -n rejects the script: {errors}");
        }
    }
}
