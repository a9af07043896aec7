using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Renci.SshNet;
using SwarmPS.Engine.Ssh;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>
    /// Host-key decisions that OpenSSH makes and SwarmPS once made differently: which name decides, negated patterns,
    /// the algorithm offered first, and the key approved at a prompt. known_hosts lines are checked against
    /// ssh-keygen -F on the same file, so the tests say what OpenSSH says, not what SwarmPS thinks it says.
    /// </summary>
    public sealed class HostKeyPolicyTests : IDisposable
    {
        private const string Ed25519 = "ssh-ed25519";
        private const string Ecdsa256 = "ecdsa-sha2-nistp256";
        private readonly string directory;
        private readonly string path;

        public HostKeyPolicyTests()
        {
            directory = Path.Combine(Path.GetTempPath(), "swarmps-hostkeys-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            path = Path.Combine(directory, "known_hosts");
        }

        public void Dispose() => Directory.Delete(directory, recursive: true);

        [Fact]
        public void TypedNameWithAnotherKey_IsMismatch_EvenWhenTheAddressLineHoldsThePresentedKey()
        {
            File.WriteAllLines(path, new[] { "node1 ssh-ed25519 " + SshTestKeys.Ed25519B, "10.9.0.5 ssh-ed25519 " + SshTestKeys.Ed25519A });

            // OpenSSH looks the typed name up and finds line 1: a different key, so it refuses.
            Assert.Contains("found: line 1", KeygenFind("node1"), StringComparison.Ordinal);
            HostKeyCheck check = new KnownHostsFile(path).Check(new[] { "node1", "10.9.0.5" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A));

            Assert.Equal(HostKeyStatus.Mismatch, check.Status);
            Assert.Equal(1, check.LineNumber);
        }

        [Fact]
        public void TypedNameUnknown_FallsBackToTheAddress()
        {
            File.WriteAllLines(path, new[] { "10.9.0.5 ssh-ed25519 " + SshTestKeys.Ed25519A });

            Assert.Equal(HostKeyStatus.Trusted, new KnownHostsFile(path).Check(new[] { "node1", "10.9.0.5" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A)).Status);
            Assert.Equal(HostKeyStatus.Mismatch, new KnownHostsFile(path).Check(new[] { "node1", "10.9.0.5" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519B)).Status);
        }

        [Theory]
        [InlineData("*,!node1")]
        [InlineData("!node1,*")]
        [InlineData("*,!node?")]
        public void NegatedTypedName_LineAppliesToNoneOfTheHostsNames(string patterns)
        {
            File.WriteAllLines(path, new[] { patterns + " ssh-ed25519 " + SshTestKeys.Ed25519A });

            Assert.DoesNotContain("found", KeygenFind("node1"), StringComparison.Ordinal);
            Assert.Contains("found: line 1", KeygenFind("node2x"), StringComparison.Ordinal);
            var file = new KnownHostsFile(path);
            Assert.Equal(HostKeyStatus.Unknown, file.Check(new[] { "node1" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A)).Status);
            Assert.Equal(HostKeyStatus.Unknown, file.Check(new[] { "node1", "10.9.0.5" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A)).Status);
            Assert.Equal(HostKeyStatus.Trusted, file.Check(new[] { "node2x" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A)).Status);
        }

        [Fact]
        public void KnownKeyTypes_FollowTheSameNameRules()
        {
            File.WriteAllLines(path, new[]
            {
                "node1 ecdsa-sha2-nistp256 " + SshTestKeys.EcdsaP256,
                "10.9.0.5 ssh-ed25519 " + SshTestKeys.Ed25519A,
                "@revoked node1 ssh-ed25519 " + SshTestKeys.Ed25519B,
                "node1 ecdsa-sha2-nistp256 " + SshTestKeys.EcdsaP256,
            });
            var file = new KnownHostsFile(path);

            Assert.Equal(new[] { Ecdsa256 }, file.KnownKeyTypes(new[] { "node1", "10.9.0.5" }, 22));
            Assert.Equal(new[] { Ed25519 }, file.KnownKeyTypes(new[] { "node2", "10.9.0.5" }, 22));
            Assert.Empty(file.KnownKeyTypes(new[] { "node3" }, 22));
            Assert.Empty(new KnownHostsFile(Path.Combine(directory, "absent")).KnownKeyTypes(new[] { "node1" }, 22));
        }

        [Fact]
        public void HostKnownOnlyByEcdsa_GetsEcdsaOfferedFirst_ByTheRealSshNetConnection()
        {
            File.WriteAllLines(path, new[] { "node1 ecdsa-sha2-nistp256 " + SshTestKeys.EcdsaP256 });
            var connection = new ConnectionInfo("127.0.0.1", 22, "user", new NoneAuthenticationMethod("user"));
            List<string> before = connection.HostKeyAlgorithms.Keys.ToList();
            Assert.NotEqual(Ecdsa256, before[0]);

            HostKeyAlgorithmOrder.PreferKnown(connection.HostKeyAlgorithms, new KnownHostsFile(path).KnownKeyTypes(new[] { "node1" }, 22));

            List<string> after = connection.HostKeyAlgorithms.Keys.ToList();
            Assert.Equal(before.OrderBy(a => a, StringComparer.Ordinal), after.OrderBy(a => a, StringComparer.Ordinal));
            Assert.Equal(KeyTypeGroupFirst(before, Ecdsa256), after);
        }

        [Fact]
        public void AlgorithmOrder_RsaKeyBringsItsSignatureAlgorithmsAndCertificatesForward()
        {
            string[] offered = { "ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa-cert-v01@openssh.com", "ssh-rsa" };

            Assert.Equal(
                new[] { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa-cert-v01@openssh.com", "ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256" },
                HostKeyAlgorithmOrder.Ordered(offered, new[] { "ssh-rsa" }));
            Assert.Equal(offered, HostKeyAlgorithmOrder.Ordered(offered, Array.Empty<string>()));
        }

        [Fact]
        public void ApprovedAtThePrompt_OnlyThatKeyIsTrustedAndRecorded()
        {
            var reporter = new RecordingReporter();
            var file = new KnownHostsFile(path);
            var other = new HostKeyVerdict(file, new[] { "node1", "10.9.0.5" }, 22, acceptNew: false, record: true, reporter) { ApprovedFingerprint = SshTestKeys.Ed25519AFingerprint };

            Assert.False(other.Decide(Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519B)));
            Assert.Equal("HostKeyMismatch", other.Refusal!.ErrorId);
            Assert.False(File.Exists(path));

            var same = new HostKeyVerdict(file, new[] { "node1", "10.9.0.5" }, 22, acceptNew: false, record: true, reporter) { ApprovedFingerprint = SshTestKeys.Ed25519AFingerprint };
            Assert.True(same.Decide(Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A)));
            Assert.Contains("found: line 1", KeygenFind("node1"), StringComparison.Ordinal);
            Assert.Equal(HostKeyStatus.Trusted, file.Check(new[] { "node1" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A)).Status);
        }

        [Fact]
        public void UnknownKeyRefusal_CarriesThePresentedFingerprint()
        {
            var verdict = new HostKeyVerdict(new KnownHostsFile(path), new[] { "node1" }, 22, acceptNew: false, record: true, new RecordingReporter());

            Assert.False(verdict.Decide(Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A)));
            HostKeyUnknownException refusal = Assert.IsType<HostKeyUnknownException>(verdict.Refusal);
            Assert.Equal(SshTestKeys.Ed25519AFingerprint, refusal.Fingerprint);
            Assert.Equal("HostKeyUnknown", refusal.ErrorId);
        }

        private static List<string> KeyTypeGroupFirst(List<string> order, string keyType)
        {
            var first = order.Where(a => HostKeyAlgorithmOrder.KeyTypeOf(a) == keyType).ToList();
            first.AddRange(order.Where(a => HostKeyAlgorithmOrder.KeyTypeOf(a) != keyType));
            return first;
        }

        private string KeygenFind(string host)
        {
            string sshKeygen = TestEnvironment.RequireOnPath("ssh-keygen", "openssh-client");
            var start = new ProcessStartInfo(sshKeygen) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[] { "-F", host, "-f", path })
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return output;
        }
    }
}
