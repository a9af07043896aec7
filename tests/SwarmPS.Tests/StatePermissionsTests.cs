using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Ssh;
using SwarmPS.Engine.Tls;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>Private keys and state folders that others can read or change are refused with the chmod that fixes them.</summary>
    public sealed class StatePermissionsTests : IDisposable
    {
        private readonly string temporaryDirectory;
        private readonly string stateDirectory;
        private readonly string tlsDirectory;

        public StatePermissionsTests()
        {
            temporaryDirectory = Path.Combine(Path.GetTempPath(), "swarmps-perm-" + Guid.NewGuid().ToString("N"));
            stateDirectory = Path.Combine(temporaryDirectory, "state");
            tlsDirectory = Path.Combine(stateDirectory, "tls");
            Directory.CreateDirectory(temporaryDirectory);
        }

        public void Dispose() => Directory.Delete(temporaryDirectory, recursive: true);

        [UnixFact]
        public void CaKeyReadableByOthers_IsRefusedWithTheChmod()
        {
            CertificateAuthority.LoadOrCreate(tlsDirectory);
            string key = Path.Combine(tlsDirectory, "ca-key.pem");
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            SwarmException refused = Assert.Throws<SwarmException>(() => CertificateAuthority.LoadOrCreate(tlsDirectory));

            Assert.Equal("KeyFilePermissionsTooOpen", refused.ErrorId);
            Assert.Equal(SwarmErrorKind.SecurityError, refused.Kind);
            Assert.Contains($"chmod 600 '{key}'", refused.Message, StringComparison.Ordinal);
            Assert.Contains("644", refused.Message, StringComparison.Ordinal);
        }

        [UnixFact]
        public void ClientKeyReadableByTheGroup_IsRefused()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(tlsDirectory);
            authority.LoadOrIssueClientCertificate();
            string key = Path.Combine(tlsDirectory, "client-key.pem");
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

            SwarmException refused = Assert.Throws<SwarmException>(() => authority.LoadOrIssueClientCertificate());

            Assert.Equal("KeyFilePermissionsTooOpen", refused.ErrorId);
            Assert.Contains($"chmod 600 '{key}'", refused.Message, StringComparison.Ordinal);
        }

        [UnixFact]
        public void CaFolderWritableByOthers_IsRefusedWithTheChmod()
        {
            CertificateAuthority.LoadOrCreate(tlsDirectory);
            File.SetUnixFileMode(tlsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.GroupRead);

            SwarmException refused = Assert.Throws<SwarmException>(() => CertificateAuthority.LoadOrCreate(tlsDirectory));

            Assert.Equal("StateFolderPermissionsTooOpen", refused.ErrorId);
            Assert.Contains($"chmod go-w '{tlsDirectory}'", refused.Message, StringComparison.Ordinal);
        }

        [UnixFact]
        public void StateFolderWritableByOthers_IsRefusedBeforeACaIsCreatedInIt()
        {
            Directory.CreateDirectory(stateDirectory);
            File.SetUnixFileMode(stateDirectory, (UnixFileMode)Convert.ToInt32("777", 8));

            SwarmException refused = Assert.Throws<SwarmException>(() => CertificateAuthority.LoadOrCreate(tlsDirectory));

            Assert.Equal("StateFolderPermissionsTooOpen", refused.ErrorId);
            Assert.Contains($"chmod go-w '{stateDirectory}'", refused.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(tlsDirectory));
        }

        [UnixFact]
        public void StateFolderInAStickyWorldWritableFolder_IsAccepted()
        {
            Directory.CreateDirectory(stateDirectory);
            File.SetUnixFileMode(stateDirectory, (UnixFileMode)Convert.ToInt32("1777", 8));

            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(tlsDirectory);

            Assert.Equal(tlsDirectory, authority.DirectoryPath);
        }

        [UnixFact]
        public async Task SshKeyFileReadableByOthers_IsRefusedBeforeAnyConnection()
        {
            string keyFile = Path.Combine(temporaryDirectory, "id_ed25519");
            File.WriteAllText(keyFile, "not even read\n");
            File.SetUnixFileMode(keyFile, (UnixFileMode)Convert.ToInt32("644", 8));
            var connector = new HostConnector(new KnownHostsFile(Path.Combine(temporaryDirectory, "known_hosts")));

            SwarmException refused = await Assert.ThrowsAsync<SwarmException>(() =>
                connector.ConnectAsync(new SshTarget("127.0.0.1", 1, "core", keyFile, null), false, NullReporter.Instance, CancellationToken.None));

            Assert.Equal("KeyFilePermissionsTooOpen", refused.ErrorId);
            Assert.Equal("127.0.0.1", refused.Target);
            Assert.Contains($"chmod 600 '{keyFile}'", refused.Message, StringComparison.Ordinal);
        }
    }
}
