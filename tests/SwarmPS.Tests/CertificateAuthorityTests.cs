using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using SwarmPS.Engine.Tls;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class CertificateAuthorityTests : IDisposable
    {
        private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
        private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
        private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

        private readonly string temporaryDirectory;
        private readonly string stateDirectory;

        public CertificateAuthorityTests()
        {
            temporaryDirectory = Path.Combine(Path.GetTempPath(), "swarmps-ca-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(temporaryDirectory);
            stateDirectory = Path.Combine(temporaryDirectory, "state", "tls");
        }

        public void Dispose()
        {
            Directory.Delete(temporaryDirectory, recursive: true);
        }

        // A key written as SwarmPS writes keys (600): one others can read is refused (StatePermissionsTests).
        private static void WritePrivateKey(string path, string pem)
        {
            File.WriteAllText(path, pem);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, OwnerOnlyFile);
            }
        }

        [Fact]
        public void LoadOrCreate_WritesPemFilesWithPrivateModes()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);

            string certificateText = File.ReadAllText(Path.Combine(stateDirectory, "ca.pem"));
            string keyText = File.ReadAllText(Path.Combine(stateDirectory, "ca-key.pem"));
            Assert.StartsWith("-----BEGIN CERTIFICATE-----\n", certificateText, StringComparison.Ordinal);
            Assert.EndsWith("-----END CERTIFICATE-----\n", certificateText, StringComparison.Ordinal);
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", keyText, StringComparison.Ordinal);
            Assert.Equal(certificateText, authority.CertificatePem);
            Assert.Equal(Path.GetFullPath(stateDirectory), authority.DirectoryPath);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(stateDirectory));
                Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(stateDirectory, "ca-key.pem")));
            }
        }

        [Fact]
        public void LoadOrCreate_MakesAnEcdsaP256CaForTenYears()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            using X509Certificate2 certificate = X509Certificate2.CreateFromPem(authority.CertificatePem);

            Assert.Matches("^CN=SwarmPS CA [0-9a-f]{8}$", certificate.Subject);
            Assert.Equal(certificate.Subject, certificate.Issuer);
            Assert.Equal("1.2.840.10045.4.3.2", certificate.SignatureAlgorithm.Value);
            using (ECDsa? publicKey = certificate.GetECDsaPublicKey())
            {
                Assert.NotNull(publicKey);
                Assert.Equal(256, publicKey!.KeySize);
            }

            X509BasicConstraintsExtension constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
            Assert.True(constraints.CertificateAuthority);
            Assert.True(constraints.Critical);
            X509KeyUsageExtension usage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
            Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
            Assert.True(usage.Critical);
            Assert.NotEmpty(certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier!);
            double years = (certificate.NotAfter - certificate.NotBefore).TotalDays / 365.25;
            Assert.InRange(years, 9.99, 10.01);
            Assert.InRange(certificate.NotBefore.ToUniversalTime(), DateTime.UtcNow.AddMinutes(-10), DateTime.UtcNow);
        }

        [Fact]
        public void LoadOrCreate_Twice_LoadsTheSameCa()
        {
            CertificateAuthority first = CertificateAuthority.LoadOrCreate(stateDirectory);
            CertificateAuthority second = CertificateAuthority.LoadOrCreate(stateDirectory);

            Assert.Equal(first.CertificatePem, second.CertificatePem);
            Assert.Equal(first.Subject, second.Subject);

            // The loaded key is the same key: what one instance issues, the other verifies.
            IssuedCertificate issued = second.IssueServerCertificate("node1", new[] { "node1" }, Array.Empty<IPAddress>());
            Assert.True(first.IsServerCertificateFromThis(issued.CertificatePem));
        }

        [Fact]
        public void LoadOrCreate_InParallel_AllGetTheSameCa()
        {
            var authorities = new CertificateAuthority[16];
            var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();

            // Dedicated threads released together, so the creators really race.
            using var start = new Barrier(authorities.Length);
            Thread[] threads = Enumerable.Range(0, authorities.Length).Select(index => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    authorities[index] = CertificateAuthority.LoadOrCreate(stateDirectory);
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                }
            })).ToArray();
            Array.ForEach(threads, thread => thread.Start());
            Array.ForEach(threads, thread => thread.Join());

            Assert.Empty(failures);

            Assert.Single(authorities.Select(authority => authority.CertificatePem).Distinct());
            IssuedCertificate[] issued = authorities.AsParallel().Select(authority => authority.LoadOrIssueClientCertificate()).ToArray();
            Assert.Single(issued.Select(certificate => certificate.Thumbprint).Distinct());
            Assert.Empty(Directory.GetFiles(stateDirectory, "*.tmp-*"));
        }

        [Fact]
        public void LoadOrCreate_DifferentDirectories_MakeDifferentCas()
        {
            CertificateAuthority first = CertificateAuthority.LoadOrCreate(stateDirectory);
            CertificateAuthority second = CertificateAuthority.LoadOrCreate(Path.Combine(temporaryDirectory, "other"));

            Assert.NotEqual(first.CertificatePem, second.CertificatePem);
        }

        [Theory]
        [InlineData("ca.pem")]
        [InlineData("ca-key.pem")]
        public void LoadOrCreate_OneFileMissing_ThrowsIncompleteNamingIt(string missingFile)
        {
            CertificateAuthority.LoadOrCreate(stateDirectory);
            File.Delete(Path.Combine(stateDirectory, missingFile));

            SwarmException error = Assert.Throws<SwarmException>(() => CertificateAuthority.LoadOrCreate(stateDirectory));

            Assert.Equal("CertificateAuthorityIncomplete", error.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidData, error.Kind);
            Assert.Contains(Path.Combine(stateDirectory, missingFile), error.Message, StringComparison.Ordinal);
            Assert.Equal(Path.Combine(Path.GetFullPath(stateDirectory), missingFile), error.Target);
            Assert.False(File.Exists(Path.Combine(stateDirectory, missingFile)));
        }

        [Fact]
        public void LoadOrCreate_KeyOfAnotherCa_ThrowsInvalid()
        {
            string otherDirectory = Path.Combine(temporaryDirectory, "other");
            CertificateAuthority.LoadOrCreate(stateDirectory);
            CertificateAuthority.LoadOrCreate(otherDirectory);
            File.Copy(Path.Combine(otherDirectory, "ca-key.pem"), Path.Combine(stateDirectory, "ca-key.pem"), overwrite: true);

            SwarmException error = Assert.Throws<SwarmException>(() => CertificateAuthority.LoadOrCreate(stateDirectory));

            Assert.Equal("CertificateAuthorityInvalid", error.ErrorId);
            Assert.Equal(SwarmErrorKind.InvalidData, error.Kind);
        }

        [Fact]
        public void LoadOrCreate_GarbageCertificate_ThrowsInvalid()
        {
            CertificateAuthority.LoadOrCreate(stateDirectory);
            File.WriteAllText(Path.Combine(stateDirectory, "ca.pem"), "not a certificate");

            SwarmException error = Assert.Throws<SwarmException>(() => CertificateAuthority.LoadOrCreate(stateDirectory));

            Assert.Equal("CertificateAuthorityInvalid", error.ErrorId);
        }

        [Fact]
        public void IssueServerCertificate_ChainsToTheCa()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            IssuedCertificate issued = authority.IssueServerCertificate("node1.example.com", new[] { "node1.example.com" }, new[] { IPAddress.Parse("10.0.0.5") });

            using X509Certificate2 root = X509Certificate2.CreateFromPem(authority.CertificatePem);
            using X509Certificate2 leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuth));

            bool valid = chain.Build(leaf);

            Assert.True(valid, string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation)));
            Assert.Equal(2, chain.ChainElements.Count);
            Assert.Equal(root.Thumbprint, chain.ChainElements[1].Certificate.Thumbprint);
        }

        [Fact]
        public void IssueServerCertificate_HasDeduplicatedSansAndServerProfile()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            IssuedCertificate issued = authority.IssueServerCertificate(
                "node1.example.com",
                new[] { "node1.example.com", "NODE1.example.com", "node1", "localhost" },
                new[] { IPAddress.Parse("10.0.0.5"), IPAddress.Parse("10.0.0.5"), IPAddress.Parse("::ffff:10.0.0.5"), IPAddress.Parse("fd00::5"), IPAddress.Loopback });

            using X509Certificate2 certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);
            X509Extension sanExtension = certificate.Extensions.Cast<X509Extension>().Single(extension => extension.Oid!.Value == "2.5.29.17");
            var alternativeNames = new X509SubjectAlternativeNameExtension(sanExtension.RawData, sanExtension.Critical);
            Assert.Equal(new[] { "node1.example.com", "node1", "localhost" }, alternativeNames.EnumerateDnsNames().ToArray());
            Assert.Equal(
                new[] { IPAddress.Parse("10.0.0.5"), IPAddress.Parse("fd00::5"), IPAddress.Loopback },
                alternativeNames.EnumerateIPAddresses().ToArray());

            Assert.Equal("CN=node1.example.com", certificate.Subject);
            Assert.Equal(authority.Subject, certificate.Issuer);
            X509EnhancedKeyUsageExtension usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
            Assert.Equal(new[] { ServerAuth }, usages.EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value).ToArray());
            X509KeyUsageExtension usage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
            Assert.Equal(X509KeyUsageFlags.DigitalSignature, usage.KeyUsages);
            Assert.True(usage.Critical);
            Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        }

        [Fact]
        public void IssueServerCertificate_ValidityKeyIdentifiersAndSerial()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            IssuedCertificate first = authority.IssueServerCertificate("node1", new[] { "node1" }, Array.Empty<IPAddress>());
            IssuedCertificate second = authority.IssueServerCertificate("node1", new[] { "node1" }, Array.Empty<IPAddress>());

            using X509Certificate2 root = X509Certificate2.CreateFromPem(authority.CertificatePem);
            using X509Certificate2 certificate = X509Certificate2.CreateFromPem(first.CertificatePem);
            using X509Certificate2 other = X509Certificate2.CreateFromPem(second.CertificatePem);

            DateTime now = DateTime.UtcNow;
            Assert.InRange(certificate.NotBefore.ToUniversalTime(), now.AddMinutes(-6), now.AddMinutes(-4));
            Assert.InRange((certificate.NotAfter - certificate.NotBefore).TotalDays, 825, 825.01);

            string caKeyId = root.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier!;
            X509AuthorityKeyIdentifierExtension authorityKeyId = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
            Assert.Equal(caKeyId, Convert.ToHexString(authorityKeyId.KeyIdentifier!.Value.Span));
            Assert.NotNull(certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().SingleOrDefault());

            // SerialNumberBytes is big-endian: the first byte carries the sign bit.
            byte[] serial = certificate.SerialNumberBytes.ToArray();
            Assert.Equal(16, serial.Length);
            Assert.InRange(serial[0], 0x01, 0x7F);
            Assert.NotEqual(certificate.SerialNumber, other.SerialNumber);

            Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", first.PrivateKeyPem, StringComparison.Ordinal);
            Assert.NotEqual(first.PrivateKeyPem, second.PrivateKeyPem);
            using X509Certificate2 withKey = X509Certificate2.CreateFromPem(first.CertificatePem, first.PrivateKeyPem);
            Assert.True(withKey.HasPrivateKey);
        }

        [Fact]
        public void IssueServerCertificate_WithoutAnyName_Throws()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);

            Assert.Throws<ArgumentException>(() => authority.IssueServerCertificate("node1", Array.Empty<string>(), Array.Empty<IPAddress>()));
            Assert.Throws<ArgumentException>(() => authority.IssueServerCertificate("node1", new[] { " " }, Array.Empty<IPAddress>()));
        }

        [Fact]
        public void LoadOrIssueClientCertificate_IssuesOnceAndStoresPrivately()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);

            IssuedCertificate first = authority.LoadOrIssueClientCertificate();
            IssuedCertificate second = authority.LoadOrIssueClientCertificate();

            Assert.Equal(first.Thumbprint, second.Thumbprint);
            Assert.Equal(first.CertificatePem, File.ReadAllText(Path.Combine(stateDirectory, "client-cert.pem")));
            Assert.Equal(first.PrivateKeyPem, File.ReadAllText(Path.Combine(stateDirectory, "client-key.pem")));
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", first.PrivateKeyPem, StringComparison.Ordinal);
            Assert.Equal("CN=swarmps-client", first.Subject);
            Assert.True(authority.IsClientCertificateFromThis(first.CertificatePem));
            using X509Certificate2 certificate = X509Certificate2.CreateFromPem(first.CertificatePem);
            X509EnhancedKeyUsageExtension usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
            Assert.Equal(new[] { ClientAuth }, usages.EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value).ToArray());
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(stateDirectory, "client-key.pem")));
            }
        }

        [Fact]
        public void LoadOrIssueClientCertificate_ExpiringWithin30Days_IsReissued()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            IssuedCertificate expiring = authority.Issue("swarmps-client", null, new Oid(ClientAuth), now.AddDays(-800), now.AddDays(29));
            File.WriteAllText(Path.Combine(stateDirectory, "client-cert.pem"), expiring.CertificatePem);
            WritePrivateKey(Path.Combine(stateDirectory, "client-key.pem"), expiring.PrivateKeyPem);

            IssuedCertificate renewed = authority.LoadOrIssueClientCertificate();

            Assert.NotEqual(expiring.Thumbprint, renewed.Thumbprint);
            Assert.True(renewed.NotAfter > now.AddDays(800));
            Assert.Equal(renewed.CertificatePem, File.ReadAllText(Path.Combine(stateDirectory, "client-cert.pem")));
        }

        [Fact]
        public void LoadOrIssueClientCertificate_ValidFor31Days_IsKept()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            IssuedCertificate existing = authority.Issue("swarmps-client", null, new Oid(ClientAuth), now.AddDays(-800), now.AddDays(31));
            File.WriteAllText(Path.Combine(stateDirectory, "client-cert.pem"), existing.CertificatePem);
            WritePrivateKey(Path.Combine(stateDirectory, "client-key.pem"), existing.PrivateKeyPem);

            Assert.Equal(existing.Thumbprint, authority.LoadOrIssueClientCertificate().Thumbprint);
        }

        [Fact]
        public void LoadOrIssueClientCertificate_MissingKeyOrForeignCertificate_IsReissued()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            IssuedCertificate original = authority.LoadOrIssueClientCertificate();
            File.Delete(Path.Combine(stateDirectory, "client-key.pem"));

            IssuedCertificate afterMissingKey = authority.LoadOrIssueClientCertificate();
            Assert.NotEqual(original.Thumbprint, afterMissingKey.Thumbprint);

            CertificateAuthority other = CertificateAuthority.LoadOrCreate(Path.Combine(temporaryDirectory, "other"));
            IssuedCertificate foreign = other.LoadOrIssueClientCertificate();
            File.WriteAllText(Path.Combine(stateDirectory, "client-cert.pem"), foreign.CertificatePem);
            WritePrivateKey(Path.Combine(stateDirectory, "client-key.pem"), foreign.PrivateKeyPem);

            IssuedCertificate afterForeign = authority.LoadOrIssueClientCertificate();
            Assert.NotEqual(foreign.Thumbprint, afterForeign.Thumbprint);
            Assert.True(authority.IsClientCertificateFromThis(afterForeign.CertificatePem));
        }

        [Fact]
        public void IsServerCertificateFromThis_RejectsLookAlikeCaWithSameSubject()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            IssuedCertificate genuine = authority.IssueServerCertificate("node1", new[] { "node1" }, Array.Empty<IPAddress>());

            // An impostor CA with the very same subject name signs a certificate for the same host.
            using X509Certificate2 realRoot = X509Certificate2.CreateFromPem(authority.CertificatePem);
            using ECDsa impostorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using ECDsa leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(new X500DistinguishedName("CN=node1"), leafKey, HashAlgorithmName.SHA256);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            using X509Certificate2 forged = request.Create(realRoot.SubjectName, X509SignatureGenerator.CreateForECDsa(impostorKey), now.AddMinutes(-5), now.AddDays(30), new byte[] { 0x42, 1, 2, 3 });
            Assert.Equal(realRoot.Subject, forged.Issuer);

            Assert.True(authority.IsServerCertificateFromThis(genuine.CertificatePem));
            Assert.False(authority.IsServerCertificateFromThis(forged.ExportCertificatePem()));
        }

        [Fact]
        public void IsServerCertificateFromThis_FalseForOtherCaAndGarbage()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            CertificateAuthority other = CertificateAuthority.LoadOrCreate(Path.Combine(temporaryDirectory, "other"));
            IssuedCertificate fromOther = other.IssueServerCertificate("node1", new[] { "node1" }, Array.Empty<IPAddress>());

            Assert.False(authority.IsServerCertificateFromThis(fromOther.CertificatePem));
            Assert.True(other.IsServerCertificateFromThis(fromOther.CertificatePem));
            Assert.False(authority.IsServerCertificateFromThis("garbage"));
            Assert.False(authority.IsServerCertificateFromThis(string.Empty));
        }

        [Fact]
        public void Covers_TrueWhenEveryNameAndAddressIsPresentAndValidLongEnough()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            IssuedCertificate issued = authority.IssueServerCertificate(
                "node1.example.com",
                new[] { "node1.example.com", "node1" },
                new[] { IPAddress.Parse("10.0.0.5"), IPAddress.Parse("fd00::5") });
            string pem = issued.CertificatePem;
            TimeSpan month = TimeSpan.FromDays(30);

            Assert.True(CertificateAuthority.Covers(pem, new[] { "node1.example.com", "node1" }, new[] { IPAddress.Parse("10.0.0.5"), IPAddress.Parse("fd00::5") }, month));
            Assert.True(CertificateAuthority.Covers(pem, new[] { "NODE1.example.com." }, Array.Empty<IPAddress>(), month));
            Assert.True(CertificateAuthority.Covers(pem, Array.Empty<string>(), new[] { IPAddress.Parse("::ffff:10.0.0.5") }, month));
            Assert.False(CertificateAuthority.Covers(pem, new[] { "node2" }, Array.Empty<IPAddress>(), month));
            Assert.False(CertificateAuthority.Covers(pem, new[] { "node1" }, new[] { IPAddress.Parse("10.0.0.6") }, month));
            Assert.False(CertificateAuthority.Covers(pem, new[] { "10.0.0.5" }, Array.Empty<IPAddress>(), month));
            Assert.False(CertificateAuthority.Covers(pem, new[] { "node1" }, Array.Empty<IPAddress>(), TimeSpan.FromDays(826)));
            Assert.True(CertificateAuthority.Covers(pem, new[] { "node1" }, Array.Empty<IPAddress>(), TimeSpan.FromDays(824)));
            Assert.False(CertificateAuthority.Covers("garbage", new[] { "node1" }, Array.Empty<IPAddress>(), month));
        }

        [Fact]
        public void Covers_FalseBeforeValidityStartsOrAfterItEnds()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            string pem = authority.IssueServerCertificate("node1", new[] { "node1" }, Array.Empty<IPAddress>()).CertificatePem;
            DateTimeOffset now = DateTimeOffset.UtcNow;

            Assert.True(CertificateAuthority.Covers(pem, new[] { "node1" }, Array.Empty<IPAddress>(), TimeSpan.Zero, now));
            Assert.False(CertificateAuthority.Covers(pem, new[] { "node1" }, Array.Empty<IPAddress>(), TimeSpan.Zero, now.AddHours(-1)));
            Assert.False(CertificateAuthority.Covers(pem, new[] { "node1" }, Array.Empty<IPAddress>(), TimeSpan.Zero, now.AddDays(826)));
        }

        [Fact]
        public void Covers_WildcardCoversExactlyOneLabel()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            string pem = authority.IssueServerCertificate("wild", new[] { "*.example.com" }, Array.Empty<IPAddress>()).CertificatePem;
            TimeSpan day = TimeSpan.FromDays(1);

            Assert.True(CertificateAuthority.Covers(pem, new[] { "node1.example.com" }, Array.Empty<IPAddress>(), day));
            Assert.False(CertificateAuthority.Covers(pem, new[] { "a.node1.example.com" }, Array.Empty<IPAddress>(), day));
            Assert.False(CertificateAuthority.Covers(pem, new[] { "example.com" }, Array.Empty<IPAddress>(), day));
        }

        [Theory]
        [InlineData("node1.example.com", true)]
        [InlineData("NODE1.Example.COM", true)]
        [InlineData("node1", true)]
        [InlineData("node2.example.com", false)]
        [InlineData("node1.example.org", false)]
        [InlineData("cn-only.example.com", false)]
        public void Covers_DnsNamesOnlyFromSansIgnoringCase(string dnsName, bool covered)
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);

            // The CN is not among the SANs: Go ignores it, so it must not count here either.
            string pem = authority.IssueServerCertificate("cn-only.example.com", new[] { "node1.example.com", "node1" }, Array.Empty<IPAddress>()).CertificatePem;

            Assert.Equal(covered, CertificateAuthority.Covers(pem, new[] { dnsName }, Array.Empty<IPAddress>(), TimeSpan.Zero));
        }

        [Fact]
        public void Covers_IgnoresTheCommonNameEvenWithoutDnsSans()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            string pem = authority.IssueServerCertificate("node1", Array.Empty<string>(), new[] { IPAddress.Parse("10.0.0.5") }).CertificatePem;

            Assert.False(CertificateAuthority.Covers(pem, new[] { "node1" }, Array.Empty<IPAddress>(), TimeSpan.Zero));
            Assert.True(CertificateAuthority.Covers(pem, Array.Empty<string>(), new[] { IPAddress.Parse("10.0.0.5") }, TimeSpan.Zero));
        }

        [Theory]
        [InlineData("10.0.0.5", true)]
        [InlineData("::ffff:10.0.0.5", true)]
        [InlineData("10.0.0.6", false)]
        [InlineData("fd00::5", true)]
        [InlineData("FD00:0:0:0::5", true)]
        [InlineData("fd00::6", false)]
        [InlineData("::1", false)]
        public void Covers_AddressesFromIpSansInEitherFamily(string address, bool covered)
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            string pem = authority.IssueServerCertificate("node1", new[] { "node1" }, new[] { IPAddress.Parse("10.0.0.5"), IPAddress.Parse("fd00::5") }).CertificatePem;

            Assert.Equal(covered, CertificateAuthority.Covers(pem, Array.Empty<string>(), new[] { IPAddress.Parse(address) }, TimeSpan.Zero));
        }

        [Fact]
        public void ServerCheck_RefusesACertificateFromThisCaWithoutServerAuth()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            TlsIdentity identity = TlsIdentity.FromAuthority(authority);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            string clientOnly = authority.Issue("node1", DnsNames("node1"), new Oid(ClientAuth), now.AddMinutes(-5), now.AddDays(30)).CertificatePem;
            string genuine = authority.IssueServerCertificate("node1", new[] { "node1" }, Array.Empty<IPAddress>()).CertificatePem;

            // Names and validity are fine: only the missing serverAuth usage condemns it.
            Assert.True(CertificateAuthority.Covers(clientOnly, new[] { "node1" }, Array.Empty<IPAddress>(), TimeSpan.FromDays(1)));
            Assert.False(authority.IsServerCertificateFromThis(clientOnly));
            Assert.False(ValidateServer(identity, clientOnly));
            Assert.True(authority.IsServerCertificateFromThis(genuine));
            Assert.True(ValidateServer(identity, genuine));
        }

        [Fact]
        public void ClientCheck_RefusesAServerCertificateFromThisCa()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            string server = authority.IssueServerCertificate("node1", new[] { "node1" }, Array.Empty<IPAddress>()).CertificatePem;

            Assert.False(authority.IsClientCertificateFromThis(server));
            Assert.True(authority.IsClientCertificateFromThis(authority.LoadOrIssueClientCertificate().CertificatePem));
        }

        [Fact]
        public void ValidateServer_RefusesACertificateFromAnotherCa()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            CertificateAuthority other = CertificateAuthority.LoadOrCreate(Path.Combine(temporaryDirectory, "other"));
            string fromOther = other.IssueServerCertificate("node1", new[] { "node1" }, Array.Empty<IPAddress>()).CertificatePem;

            Assert.False(ValidateServer(TlsIdentity.FromAuthority(authority), fromOther));
            Assert.True(ValidateServer(TlsIdentity.FromAuthority(other), fromOther));
        }

        [Fact]
        public void ServerCheck_RefusesASelfSignedCertificateNamedLikeTheCa()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);

            // Same subject as the CA, a CA itself, and otherwise a perfect server certificate for node1.
            using ECDsa impostorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(new X500DistinguishedName(authority.Subject), impostorKey, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid(ServerAuth) }, false));
            request.CertificateExtensions.Add(DnsNames("node1"));
            DateTimeOffset now = DateTimeOffset.UtcNow;
            using X509Certificate2 impostor = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(30));
            string pem = impostor.ExportCertificatePem();
            Assert.Equal(authority.Subject, impostor.Issuer);

            Assert.False(authority.IsServerCertificateFromThis(pem));
            Assert.False(ValidateServer(TlsIdentity.FromAuthority(authority), pem));
        }

        [Fact]
        public void ValidateServer_IgnoresTheMachinesChainErrorsButNotANameMismatch()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            TlsIdentity identity = TlsIdentity.FromAuthority(authority);
            string pem = authority.IssueServerCertificate("node1", new[] { "node1" }, Array.Empty<IPAddress>()).CertificatePem;

            // The machine's roots never hold the SwarmPS CA, so TLS always reports chain errors for our engines.
            Assert.True(ValidateServer(identity, pem, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.False(ValidateServer(identity, pem, SslPolicyErrors.RemoteCertificateNameMismatch));
            Assert.False(identity.ValidateServer(new object(), null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        }

        [Fact]
        public void IssuedCertificate_ToStringHoldsNoKey()
        {
            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            IssuedCertificate issued = authority.IssueServerCertificate("node1", new[] { "node1" }, Array.Empty<IPAddress>());
            string keyBody = issued.PrivateKeyPem.Split('\n')[1];

            string text = issued.ToString();

            Assert.Contains("CN=node1", text, StringComparison.Ordinal);
            Assert.Contains(issued.Thumbprint, text, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
            Assert.DoesNotContain(keyBody.Substring(0, 20), text, StringComparison.Ordinal);
            Assert.Equal(64, issued.Thumbprint.Length);
        }

        [Fact]
        public void OpenSsl_VerifiesAndReadsTheIssuedFiles()
        {
            string openssl = TestEnvironment.RequireOnPath("openssl", "openssl");

            CertificateAuthority authority = CertificateAuthority.LoadOrCreate(stateDirectory);
            IssuedCertificate server = authority.IssueServerCertificate("node1.example.com", new[] { "node1.example.com" }, new[] { IPAddress.Parse("10.0.0.5") });
            IssuedCertificate client = authority.LoadOrIssueClientCertificate();
            string serverCertificate = Path.Combine(temporaryDirectory, "server-cert.pem");
            string serverKey = Path.Combine(temporaryDirectory, "server-key.pem");
            File.WriteAllText(serverCertificate, server.CertificatePem);
            File.WriteAllText(serverKey, server.PrivateKeyPem);
            string caFile = Path.Combine(stateDirectory, "ca.pem");

            (int serverExit, string serverVerify) = Run(openssl, "verify", "-CAfile", caFile, "-purpose", "sslserver", serverCertificate);
            (int clientExit, string clientVerify) = Run(openssl, "verify", "-CAfile", caFile, "-purpose", "sslclient", Path.Combine(stateDirectory, "client-cert.pem"));
            (int wrongPurposeExit, _) = Run(openssl, "verify", "-CAfile", caFile, "-purpose", "sslclient", serverCertificate);
            (_, string text) = Run(openssl, "x509", "-in", serverCertificate, "-noout", "-text");
            (_, string caText) = Run(openssl, "x509", "-in", caFile, "-noout", "-text");
            (int keyExit, string keyPublic) = Run(openssl, "pkey", "-in", serverKey, "-pubout");
            (_, string certificatePublic) = Run(openssl, "x509", "-in", serverCertificate, "-noout", "-pubkey");

            Assert.True(serverExit == 0, serverVerify);
            Assert.Contains(": OK", serverVerify, StringComparison.Ordinal);
            Assert.True(clientExit == 0, clientVerify);
            Assert.NotEqual(0, wrongPurposeExit);
            Assert.Contains("CA:FALSE", text, StringComparison.Ordinal);
            Assert.Contains("TLS Web Server Authentication", text, StringComparison.Ordinal);
            Assert.Contains("DNS:node1.example.com", text, StringComparison.Ordinal);
            Assert.Contains("IP Address:10.0.0.5", text, StringComparison.Ordinal);
            Assert.Contains("ecdsa-with-SHA256", text, StringComparison.Ordinal);
            Assert.Contains("CA:TRUE", caText, StringComparison.Ordinal);
            Assert.Contains("Certificate Sign, CRL Sign", caText, StringComparison.Ordinal);
            Assert.Equal(0, keyExit);
            Assert.Equal(certificatePublic, keyPublic);
            Assert.DoesNotContain("PRIVATE", client.ToString(), StringComparison.Ordinal);
        }

        private static X509Extension DnsNames(params string[] names)
        {
            var builder = new SubjectAlternativeNameBuilder();
            Array.ForEach(names, builder.AddDnsName);
            return builder.Build();
        }

        private static bool ValidateServer(TlsIdentity identity, string certificatePem, SslPolicyErrors errors = SslPolicyErrors.None)
        {
            using X509Certificate2 certificate = X509Certificate2.CreateFromPem(certificatePem);
            return identity.ValidateServer(new object(), certificate, null, errors);
        }

        private static (int ExitCode, string Output) Run(string program, params string[] arguments)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output + errors);
        }
    }
}
