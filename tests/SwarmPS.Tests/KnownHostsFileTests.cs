using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.Versioning;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Ssh;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class KnownHostsFileTests : IDisposable
    {
        private const string Ed25519 = "ssh-ed25519";
        private const string Ecdsa256 = "ecdsa-sha2-nistp256";

        private readonly string temporaryDirectory;
        private readonly string knownHostsPath;

        public KnownHostsFileTests()
        {
            temporaryDirectory = Path.Combine(Path.GetTempPath(), "swarmps-knownhosts-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(temporaryDirectory);
            knownHostsPath = Path.Combine(temporaryDirectory, "known_hosts");
        }

        public void Dispose()
        {
            Directory.Delete(temporaryDirectory, recursive: true);
        }

        [Fact]
        public void Check_MissingFileAndDirectory_IsUnknown()
        {
            var file = new KnownHostsFile(Path.Combine(temporaryDirectory, "absent", "known_hosts"));

            HostKeyCheck check = file.Check(new[] { "node1.example.com" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A));

            Assert.Equal(HostKeyStatus.Unknown, check.Status);
            Assert.Null(check.LineNumber);
            Assert.Null(check.KnownFingerprint);
            Assert.Equal(SshTestKeys.Ed25519AFingerprint, check.PresentedFingerprint);
        }

        [Fact]
        public void Check_PlainEntry_IsTrustedWithLineNumber()
        {
            HostKeyCheck check = CheckAgainst(
                new[] { "# my hosts", string.Empty, "other.example.com ssh-ed25519 " + SshTestKeys.Ed25519B, "node1.example.com ssh-ed25519 " + SshTestKeys.Ed25519A + " comment here" },
                "node1.example.com",
                22,
                Ed25519,
                SshTestKeys.Ed25519A);

            Assert.Equal(HostKeyStatus.Trusted, check.Status);
            Assert.Equal(4, check.LineNumber);
            Assert.Equal(Ed25519, check.KnownKeyType);
            Assert.Equal(SshTestKeys.Ed25519AFingerprint, check.KnownFingerprint);
        }

        [Fact]
        public void Check_UnknownHost_IsUnknown()
        {
            HostKeyCheck check = CheckAgainst(new[] { "node1.example.com ssh-ed25519 " + SshTestKeys.Ed25519A }, "node9.example.com", 22, Ed25519, SshTestKeys.Ed25519A);

            Assert.Equal(HostKeyStatus.Unknown, check.Status);
        }

        [Theory]
        [InlineData(SshTestKeys.HashedNode1, "node1.example.com", 22, Ed25519, SshTestKeys.Ed25519A)]
        [InlineData(SshTestKeys.HashedNode1, "NODE1.Example.com", 22, Ed25519, SshTestKeys.Ed25519A)]
        [InlineData(SshTestKeys.HashedNode2Port2222, "node2.example.com", 2222, Ed25519, SshTestKeys.Ed25519A)]
        [InlineData(SshTestKeys.Hashed10005, "10.0.0.5", 22, Ecdsa256, SshTestKeys.EcdsaP256)]
        public void Check_HashedEntryFromSshKeygen_IsTrusted(string hashedHost, string hostName, int port, string keyType, string key)
        {
            HostKeyCheck check = CheckAgainst(new[] { hashedHost + " " + keyType + " " + key }, hostName, port, keyType, key);

            Assert.Equal(HostKeyStatus.Trusted, check.Status);
            Assert.Equal(1, check.LineNumber);
        }

        [Theory]
        [InlineData(SshTestKeys.HashedNode1, "node2.example.com", 22)]
        [InlineData(SshTestKeys.HashedNode1, "node1.example.com", 2222)]
        [InlineData(SshTestKeys.HashedNode2Port2222, "node2.example.com", 22)]
        [InlineData(SshTestKeys.HashedNode2Port2222, "node2.example.com", 2223)]
        public void Check_HashedEntryForAnotherHostOrPort_IsUnknown(string hashedHost, string hostName, int port)
        {
            HostKeyCheck check = CheckAgainst(new[] { hashedHost + " ssh-ed25519 " + SshTestKeys.Ed25519A }, hostName, port, Ed25519, SshTestKeys.Ed25519A);

            Assert.Equal(HostKeyStatus.Unknown, check.Status);
        }

        [Theory]
        [InlineData("[node2.example.com]:2222", 2222, HostKeyStatus.Trusted)]
        [InlineData("[node2.example.com]:2222", 22, HostKeyStatus.Unknown)]
        [InlineData("[node2.example.com]:2222", 2223, HostKeyStatus.Unknown)]
        [InlineData("node2.example.com", 2222, HostKeyStatus.Unknown)]
        [InlineData("node2.example.com", 22, HostKeyStatus.Trusted)]
        [InlineData("[node2.example.com]:22", 22, HostKeyStatus.Trusted)]
        [InlineData("[node2.example.com]:*", 2222, HostKeyStatus.Trusted)]
        public void Check_PortForms(string hostField, int port, HostKeyStatus expected)
        {
            HostKeyCheck check = CheckAgainst(new[] { hostField + " ssh-ed25519 " + SshTestKeys.Ed25519A }, "node2.example.com", port, Ed25519, SshTestKeys.Ed25519A);

            Assert.Equal(expected, check.Status);
        }

        [Theory]
        [InlineData("*.example.com", "a.example.com", HostKeyStatus.Trusted)]
        [InlineData("*.example.com", "a.b.example.com", HostKeyStatus.Trusted)]
        [InlineData("*.example.com", "example.com", HostKeyStatus.Unknown)]
        [InlineData("*.EXAMPLE.com", "a.example.COM", HostKeyStatus.Trusted)]
        [InlineData("node?.lan", "node1.lan", HostKeyStatus.Trusted)]
        [InlineData("node?.lan", "node10.lan", HostKeyStatus.Unknown)]
        [InlineData("10.0.0.*", "10.0.0.77", HostKeyStatus.Trusted)]
        [InlineData("10.0.0.*", "10.0.1.77", HostKeyStatus.Unknown)]
        [InlineData("*", "anything", HostKeyStatus.Trusted)]
        [InlineData("*.example.com,!bad.example.com", "good.example.com", HostKeyStatus.Trusted)]
        [InlineData("*.example.com,!bad.example.com", "bad.example.com", HostKeyStatus.Unknown)]
        [InlineData("!bad.example.com,*.example.com", "bad.example.com", HostKeyStatus.Unknown)]
        [InlineData("!bad.example.com", "good.example.com", HostKeyStatus.Unknown)]
        [InlineData("alpha,beta,10.0.0.9", "alpha", HostKeyStatus.Trusted)]
        [InlineData("alpha,beta,10.0.0.9", "beta", HostKeyStatus.Trusted)]
        [InlineData("alpha,beta,10.0.0.9", "10.0.0.9", HostKeyStatus.Trusted)]
        [InlineData("alpha,beta,10.0.0.9", "gamma", HostKeyStatus.Unknown)]
        [InlineData("alpha,beta,10.0.0.9", "alph", HostKeyStatus.Unknown)]
        public void Check_PatternsWildcardsNegationAndLists(string hostField, string hostName, HostKeyStatus expected)
        {
            HostKeyCheck check = CheckAgainst(new[] { hostField + " ssh-ed25519 " + SshTestKeys.Ed25519A }, hostName, 22, Ed25519, SshTestKeys.Ed25519A);

            Assert.Equal(expected, check.Status);
        }

        [Fact]
        public void Check_NegationInOneLineDoesNotHideAnotherLine()
        {
            HostKeyCheck check = CheckAgainst(
                new[] { "*,!node1 ssh-ed25519 " + SshTestKeys.Ed25519B, "node1 ssh-ed25519 " + SshTestKeys.Ed25519A },
                "node1",
                22,
                Ed25519,
                SshTestKeys.Ed25519A);

            Assert.Equal(HostKeyStatus.Trusted, check.Status);
            Assert.Equal(2, check.LineNumber);
        }

        [Fact]
        public void Check_SameTypeDifferentKey_IsMismatchWithKnownKey()
        {
            HostKeyCheck check = CheckAgainst(
                new[] { "other ssh-ed25519 " + SshTestKeys.Ed25519A, "node1.example.com ssh-ed25519 " + SshTestKeys.Ed25519B },
                "node1.example.com",
                22,
                Ed25519,
                SshTestKeys.Ed25519A);

            Assert.Equal(HostKeyStatus.Mismatch, check.Status);
            Assert.Equal(2, check.LineNumber);
            Assert.Equal(Ed25519, check.KnownKeyType);
            Assert.Equal(SshTestKeys.Ed25519BFingerprint, check.KnownFingerprint);
            Assert.Equal(SshTestKeys.Ed25519AFingerprint, check.PresentedFingerprint);
        }

        [Fact]
        public void Check_HashedMismatch_IsMismatch()
        {
            HostKeyCheck check = CheckAgainst(new[] { SshTestKeys.HashedNode1 + " ssh-ed25519 " + SshTestKeys.Ed25519A }, "node1.example.com", 22, Ed25519, SshTestKeys.Ed25519B);

            Assert.Equal(HostKeyStatus.Mismatch, check.Status);
            Assert.Equal(SshTestKeys.Ed25519AFingerprint, check.KnownFingerprint);
        }

        [Fact]
        public void Check_AnyMatchingLineOfTheSameTypeTrusts()
        {
            // Several keys of one type for a host are legal (key rotation, shared names); ssh accepts any of them.
            HostKeyCheck check = CheckAgainst(
                new[] { "node1 ssh-ed25519 " + SshTestKeys.Ed25519B, "node1 ssh-ed25519 " + SshTestKeys.Ed25519A },
                "node1",
                22,
                Ed25519,
                SshTestKeys.Ed25519A);

            Assert.Equal(HostKeyStatus.Trusted, check.Status);
            Assert.Equal(2, check.LineNumber);
        }

        [Fact]
        public void Check_OnlyOtherKeyTypesKnown_IsOtherKeyTypeKnown()
        {
            HostKeyCheck check = CheckAgainst(
                new[] { "node1 ecdsa-sha2-nistp256 " + SshTestKeys.EcdsaP256, "node1 ecdsa-sha2-nistp384 " + SshTestKeys.EcdsaP384 },
                "node1",
                22,
                Ed25519,
                SshTestKeys.Ed25519A);

            Assert.Equal(HostKeyStatus.OtherKeyTypeKnown, check.Status);
            Assert.Equal(1, check.LineNumber);
            Assert.Equal(Ecdsa256, check.KnownKeyType);
            Assert.Equal(SshTestKeys.EcdsaP256Fingerprint, check.KnownFingerprint);
        }

        [Fact]
        public void Check_MismatchOutranksOtherKeyType()
        {
            HostKeyCheck check = CheckAgainst(
                new[] { "node1 ecdsa-sha2-nistp256 " + SshTestKeys.EcdsaP256, "node1 ssh-ed25519 " + SshTestKeys.Ed25519B },
                "node1",
                22,
                Ed25519,
                SshTestKeys.Ed25519A);

            Assert.Equal(HostKeyStatus.Mismatch, check.Status);
            Assert.Equal(2, check.LineNumber);
        }

        [Fact]
        public void Check_RevokedKey_IsRevokedEvenWhenAlsoTrusted()
        {
            HostKeyCheck check = CheckAgainst(
                new[] { "node1 ssh-ed25519 " + SshTestKeys.Ed25519A, "@revoked * ssh-ed25519 " + SshTestKeys.Ed25519A },
                "node1",
                22,
                Ed25519,
                SshTestKeys.Ed25519A);

            Assert.Equal(HostKeyStatus.Revoked, check.Status);
            Assert.Equal(2, check.LineNumber);
            Assert.Equal(SshTestKeys.Ed25519AFingerprint, check.KnownFingerprint);
        }

        [Fact]
        public void Check_RevocationOfAnotherKeyOrHost_DoesNotApply()
        {
            HostKeyCheck check = CheckAgainst(
                new[] { "@revoked node1 ssh-ed25519 " + SshTestKeys.Ed25519B, "@revoked node2 ssh-ed25519 " + SshTestKeys.Ed25519A, "node1 ssh-ed25519 " + SshTestKeys.Ed25519A },
                "node1",
                22,
                Ed25519,
                SshTestKeys.Ed25519A);

            Assert.Equal(HostKeyStatus.Trusted, check.Status);
            Assert.Equal(3, check.LineNumber);
        }

        [Fact]
        public void Check_CertAuthorityAndUnknownMarkers_AreIgnored()
        {
            HostKeyCheck check = CheckAgainst(
                new[] { "@cert-authority node1 ssh-ed25519 " + SshTestKeys.Ed25519A, "@future node1 ssh-ed25519 " + SshTestKeys.Ed25519A },
                "node1",
                22,
                Ed25519,
                SshTestKeys.Ed25519A);

            Assert.Equal(HostKeyStatus.Unknown, check.Status);
        }

        [Fact]
        public void Check_SkipsCommentsBlankCrLfAndMalformedLinesButCountsThem()
        {
            File.WriteAllText(
                knownHostsPath,
                "# comment\r\n\r\n   \t\r\nnode1 ssh-ed25519\r\nnode1 ssh-ed25519 !!notbase64!!\r\nnode1 1024 35 12345\r\n\tnode1\tssh-ed25519\t" + SshTestKeys.Ed25519A + "\r\n");

            HostKeyCheck check = new KnownHostsFile(knownHostsPath).Check(new[] { "node1" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A));

            Assert.Equal(HostKeyStatus.Trusted, check.Status);
            Assert.Equal(7, check.LineNumber);
        }

        [Fact]
        public void Check_ResolvedAddressIsLookedUpToo()
        {
            File.WriteAllLines(knownHostsPath, new[] { "10.0.0.5 ssh-ed25519 " + SshTestKeys.Ed25519A });

            HostKeyCheck check = new KnownHostsFile(knownHostsPath).Check(new[] { "node1", "10.0.0.5" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A));

            Assert.Equal(HostKeyStatus.Trusted, check.Status);
        }

        [Fact]
        public void Check_NameTrustedButAddressHasOtherKey_IsTrusted()
        {
            // Like ssh: the host name decides; a stale address entry (reused IP) only matters when nothing trusts the key.
            File.WriteAllLines(knownHostsPath, new[] { "10.0.0.5 ssh-ed25519 " + SshTestKeys.Ed25519B, "node1 ssh-ed25519 " + SshTestKeys.Ed25519A });
            var file = new KnownHostsFile(knownHostsPath);

            Assert.Equal(HostKeyStatus.Trusted, file.Check(new[] { "node1", "10.0.0.5" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A)).Status);
            Assert.Equal(HostKeyStatus.Mismatch, file.Check(new[] { "node2", "10.0.0.5" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A)).Status);
        }

        [Theory]
        [InlineData("rsa-sha2-512")]
        [InlineData("rsa-sha2-256")]
        [InlineData("ssh-rsa")]
        public void Check_RsaSignatureAlgorithmNamesCompareAsSshRsa(string algorithm)
        {
            HostKeyCheck check = CheckAgainst(new[] { "node1 ssh-rsa " + SshTestKeys.Rsa1024 }, "node1", 22, algorithm, SshTestKeys.Rsa1024);

            Assert.Equal(HostKeyStatus.Trusted, check.Status);
            Assert.Equal("ssh-rsa", check.KnownKeyType);
        }

        [Fact]
        public void Check_Ipv6BracketedOrBare_MatchesBareEntry()
        {
            File.WriteAllLines(knownHostsPath, new[] { "fd00::5 ssh-ed25519 " + SshTestKeys.Ed25519A, "[fd00::6]:2222 ssh-ed25519 " + SshTestKeys.Ed25519A });
            var file = new KnownHostsFile(knownHostsPath);
            byte[] key = SshTestKeys.Blob(SshTestKeys.Ed25519A);

            Assert.Equal(HostKeyStatus.Trusted, file.Check(new[] { "fd00::5" }, 22, Ed25519, key).Status);
            Assert.Equal(HostKeyStatus.Trusted, file.Check(new[] { "[fd00::5]" }, 22, Ed25519, key).Status);
            Assert.Equal(HostKeyStatus.Trusted, file.Check(new[] { "fd00::6" }, 2222, Ed25519, key).Status);
            Assert.Equal(HostKeyStatus.Unknown, file.Check(new[] { "fd00::6" }, 22, Ed25519, key).Status);
        }

        [Fact]
        public void Check_InvalidArguments_Throw()
        {
            var file = new KnownHostsFile(knownHostsPath);
            byte[] key = SshTestKeys.Blob(SshTestKeys.Ed25519A);

            Assert.Throws<ArgumentException>(() => file.Check(Array.Empty<string>(), 22, Ed25519, key));
            Assert.Throws<ArgumentException>(() => file.Check(new[] { " " }, 22, Ed25519, key));
            Assert.Throws<ArgumentException>(() => file.Check(new[] { "a,b" }, 22, Ed25519, key));
            Assert.Throws<ArgumentOutOfRangeException>(() => file.Check(new[] { "node1" }, 0, Ed25519, key));
            Assert.Throws<ArgumentOutOfRangeException>(() => file.Check(new[] { "node1" }, 65536, Ed25519, key));
            Assert.Throws<ArgumentException>(() => file.Check(new[] { "node1" }, 22, Ed25519, Array.Empty<byte>()));
            Assert.Throws<ArgumentException>(() => new KnownHostsFile(" "));
        }

        [Fact]
        public void Add_Plain_WritesOneLineAndRoundTrips()
        {
            var file = new KnownHostsFile(knownHostsPath);
            byte[] key = SshTestKeys.Blob(SshTestKeys.Ed25519A);

            file.Add(new[] { "Node9.Example.com", "10.0.0.9", "node9.example.com" }, 22, Ed25519, key, hashNames: false);

            Assert.Equal("node9.example.com,10.0.0.9 ssh-ed25519 " + SshTestKeys.Ed25519A + "\n", File.ReadAllText(knownHostsPath));
            Assert.Equal(HostKeyStatus.Trusted, file.Check(new[] { "node9.example.com" }, 22, Ed25519, key).Status);
            Assert.Equal(HostKeyStatus.Trusted, file.Check(new[] { "10.0.0.9" }, 22, Ed25519, key).Status);
            Assert.Equal(HostKeyStatus.Unknown, file.Check(new[] { "10.0.0.9" }, 2222, Ed25519, key).Status);
        }

        [Fact]
        public void Add_NonStandardPort_UsesBracketForm()
        {
            var file = new KnownHostsFile(knownHostsPath);
            byte[] key = SshTestKeys.Blob(SshTestKeys.EcdsaP256);

            file.Add(new[] { "node2.example.com", "fd00::2" }, 2222, Ecdsa256, key, hashNames: false);

            Assert.Equal("[node2.example.com]:2222,[fd00::2]:2222 ecdsa-sha2-nistp256 " + SshTestKeys.EcdsaP256 + "\n", File.ReadAllText(knownHostsPath));
            Assert.Equal(HostKeyStatus.Trusted, file.Check(new[] { "fd00::2" }, 2222, Ecdsa256, key).Status);
        }

        [Fact]
        public void Add_Hashed_WritesOneHashedLinePerNameAndRoundTrips()
        {
            var file = new KnownHostsFile(knownHostsPath);
            byte[] key = SshTestKeys.Blob(SshTestKeys.Ed25519A);

            file.Add(new[] { "node9.example.com", "10.0.0.9" }, 2222, Ed25519, key, hashNames: true);

            string[] lines = File.ReadAllLines(knownHostsPath);
            Assert.Equal(2, lines.Length);
            Assert.All(lines, line => Assert.Matches(@"^\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}= ssh-ed25519 " + System.Text.RegularExpressions.Regex.Escape(SshTestKeys.Ed25519A) + "$", line));
            Assert.DoesNotContain("node9", File.ReadAllText(knownHostsPath), StringComparison.Ordinal);
            Assert.NotEqual(lines[0].Split(' ')[0], lines[1].Split(' ')[0]);
            Assert.Equal(HostKeyStatus.Trusted, file.Check(new[] { "node9.example.com" }, 2222, Ed25519, key).Status);
            Assert.Equal(2, file.Check(new[] { "10.0.0.9" }, 2222, Ed25519, key).LineNumber);
            Assert.Equal(HostKeyStatus.Unknown, file.Check(new[] { "node9.example.com" }, 22, Ed25519, key).Status);
            Assert.Equal(HostKeyStatus.Mismatch, file.Check(new[] { "node9.example.com" }, 2222, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519B)).Status);
        }

        [Fact]
        public void Add_RsaAlgorithmName_StoresKeyTypeFromBlob()
        {
            var file = new KnownHostsFile(knownHostsPath);

            file.Add(new[] { "node1" }, 22, "rsa-sha2-512", SshTestKeys.Blob(SshTestKeys.Rsa1024), hashNames: false);

            Assert.Equal("node1 ssh-rsa " + SshTestKeys.Rsa1024 + "\n", File.ReadAllText(knownHostsPath));
        }

        [Fact]
        public void Add_ToFileWithoutTrailingNewline_StartsANewLineAndKeepsExistingBytes()
        {
            string existing = "# keep me\r\nnode1 ssh-ed25519 " + SshTestKeys.Ed25519A;
            File.WriteAllText(knownHostsPath, existing);
            var file = new KnownHostsFile(knownHostsPath);

            file.Add(new[] { "node2" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519B), hashNames: false);

            Assert.Equal(existing + "\nnode2 ssh-ed25519 " + SshTestKeys.Ed25519B + "\n", File.ReadAllText(knownHostsPath));
            Assert.Equal(HostKeyStatus.Trusted, file.Check(new[] { "node1" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A)).Status);
            Assert.Equal(3, file.Check(new[] { "node2" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519B)).LineNumber);
        }

        [Fact]
        public void Add_ToFileWithTrailingNewline_AddsNoBlankLine()
        {
            string existing = "node1 ssh-ed25519 " + SshTestKeys.Ed25519A + "\n";
            File.WriteAllText(knownHostsPath, existing);

            new KnownHostsFile(knownHostsPath).Add(new[] { "node2" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519B), hashNames: false);

            Assert.Equal(existing + "node2 ssh-ed25519 " + SshTestKeys.Ed25519B + "\n", File.ReadAllText(knownHostsPath));
        }

        [UnixFact]
        [UnsupportedOSPlatform("windows")]
        public void Add_CreatesDirectory700AndFile600()
        {
            string directory = Path.Combine(temporaryDirectory, "home", ".ssh");
            string path = Path.Combine(directory, "known_hosts");

            new KnownHostsFile(path).Add(new[] { "node1" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A), hashNames: false);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        [UnixFact]
        [UnsupportedOSPlatform("windows")]
        public void Add_ExistingFileKeepsItsMode()
        {
            File.WriteAllText(knownHostsPath, string.Empty);
            UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            File.SetUnixFileMode(knownHostsPath, mode);

            new KnownHostsFile(knownHostsPath).Add(new[] { "node1" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A), hashNames: false);

            Assert.Equal(mode, File.GetUnixFileMode(knownHostsPath));
        }

        [Fact]
        public void Add_ConcurrentWriters_LoseNoLineAndMixNone()
        {
            const int writers = 24;
            byte[] key = SshTestKeys.Blob(SshTestKeys.Ed25519A);

            // Separate instances, as separate cmdlet invocations would create.
            Parallel.For(0, writers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, index =>
                new KnownHostsFile(knownHostsPath).Add(new[] { "node" + index }, 22, Ed25519, key, hashNames: index % 2 == 0));

            string[] lines = File.ReadAllText(knownHostsPath).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(writers, lines.Length);
            Assert.All(lines, line => Assert.EndsWith(" ssh-ed25519 " + SshTestKeys.Ed25519A, line, StringComparison.Ordinal));
            var file = new KnownHostsFile(knownHostsPath);
            for (int index = 0; index < writers; index++)
            {
                Assert.Equal(HostKeyStatus.Trusted, file.Check(new[] { "node" + index }, 22, Ed25519, key).Status);
            }
        }

        [Fact]
        public void Add_ConcurrentWithAnotherHolderOfTheFile_WaitsForIt()
        {
            File.WriteAllText(knownHostsPath, string.Empty);
            var holder = new FileStream(knownHostsPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            Exception? failure = null;
            var adder = new Thread(() =>
            {
                try
                {
                    new KnownHostsFile(knownHostsPath).Add(new[] { "node1" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A), hashNames: false);
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
            });
            adder.Start();

            // No fixed sleep: release the file once Add has met the lock and is backing off (asleep between its
            // attempts), or has ended, whichever comes first; an Add that did not wait fails below.
            bool backingOff = false;
            bool settled = SpinWait.SpinUntil(
                () =>
                {
                    System.Threading.ThreadState state = adder.ThreadState;
                    backingOff = (state & System.Threading.ThreadState.WaitSleepJoin) != 0;
                    return backingOff || (state & System.Threading.ThreadState.Stopped) != 0;
                },
                TimeSpan.FromSeconds(30));
            holder.Dispose();
            Assert.True(adder.Join(TimeSpan.FromSeconds(30)), "Add did not finish after the other holder let the file go.");

            Assert.True(settled, "Add neither waited nor finished within 30 s.");
            Assert.Null(failure);
            Assert.True(backingOff, "Add finished while another holder had the file, without waiting for it.");
            Assert.Equal("node1 ssh-ed25519 " + SshTestKeys.Ed25519A + "\n", File.ReadAllText(knownHostsPath));
        }

        [Fact]
        public void Add_OutputIsReadByOpenSshKeygen()
        {
            string sshKeygen = TestEnvironment.RequireOnPath("ssh-keygen", "openssh-client");

            var file = new KnownHostsFile(knownHostsPath);
            file.Add(new[] { "plain.example.com" }, 22, Ed25519, SshTestKeys.Blob(SshTestKeys.Ed25519A), hashNames: false);
            file.Add(new[] { "hashed.example.com" }, 2222, Ecdsa256, SshTestKeys.Blob(SshTestKeys.EcdsaP256), hashNames: true);

            string plain = Run(sshKeygen, "-F", "plain.example.com", "-f", knownHostsPath);
            string hashed = Run(sshKeygen, "-F", "[hashed.example.com]:2222", "-f", knownHostsPath);
            string absent = Run(sshKeygen, "-F", "hashed.example.com", "-f", knownHostsPath);

            Assert.Contains("found: line 1", plain, StringComparison.Ordinal);
            Assert.Contains("found: line 2", hashed, StringComparison.Ordinal);
            Assert.DoesNotContain("found", absent, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("abc", "abc", true)]
        [InlineData("abc", "a*", true)]
        [InlineData("abc", "*c", true)]
        [InlineData("abc", "a?c", true)]
        [InlineData("abc", "a??c", false)]
        [InlineData("abc", "*b*", true)]
        [InlineData("abc", "**", true)]
        [InlineData("", "*", true)]
        [InlineData("abc", "", false)]
        [InlineData("aXbXc", "a*b*c", true)]
        [InlineData("aXbX", "a*b*c", false)]
        [InlineData("mississippi", "m*iss*ppi", true)]
        [InlineData("mississippi", "m*iss*ppx", false)]
        public void WildcardMatch_FollowsOpenSshGlob(string text, string pattern, bool expected)
        {
            Assert.Equal(expected, KnownHostsFile.WildcardMatch(text, pattern));
        }

        private HostKeyCheck CheckAgainst(string[] lines, string hostName, int port, string keyType, string keyBase64)
        {
            File.WriteAllLines(knownHostsPath, lines);
            return new KnownHostsFile(knownHostsPath).Check(new List<string> { hostName }, port, keyType, SshTestKeys.Blob(keyBase64));
        }

        private static string Run(string program, params string[] arguments)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in arguments)
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
