using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;

namespace SwarmPS.Engine.Tls
{
    /// <summary>A certificate and its private key, both PEM (the forms Docker's Go crypto/tls reads).</summary>
    public sealed class IssuedCertificate
    {
        /// <summary>Wraps a PEM certificate (<c>-----BEGIN CERTIFICATE-----</c>) and its PKCS#8 key (<c>-----BEGIN PRIVATE KEY-----</c>).</summary>
        public IssuedCertificate(string certificatePem, string privateKeyPem)
        {
            CertificatePem = certificatePem ?? throw new ArgumentNullException(nameof(certificatePem));
            PrivateKeyPem = privateKeyPem ?? throw new ArgumentNullException(nameof(privateKeyPem));
            using X509Certificate2 certificate = X509Certificate2.CreateFromPem(certificatePem);
            Subject = certificate.Subject;
            Thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
            NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        }

        /// <summary>The certificate, PEM.</summary>
        public string CertificatePem { get; }

        /// <summary>The private key, PKCS#8 PEM. A secret: never log it.</summary>
        public string PrivateKeyPem { get; }

        /// <summary>Subject distinguished name, such as <c>CN=node1</c>.</summary>
        public string Subject { get; }

        /// <summary>SHA-256 hash of the certificate, upper-case hex.</summary>
        public string Thumbprint { get; }

        /// <summary>End of validity (UTC).</summary>
        public DateTimeOffset NotAfter { get; }

        /// <summary>Subject and thumbprint only: the private key must never reach a log or the console.</summary>
        public override string ToString()
        {
            return $"{Subject} (SHA-256 {Thumbprint})";
        }
    }

    /// <summary>
    /// The certificate authority SwarmPS keeps in its state directory to issue Docker engine (server) and
    /// client certificates for mutual TLS. ECDSA P-256 keys, SHA-256 signatures.
    /// </summary>
    public sealed class CertificateAuthority
    {
        /// <summary>File name of the CA certificate.</summary>
        public const string CertificateFileName = "ca.pem";

        /// <summary>File name of the CA private key.</summary>
        public const string KeyFileName = "ca-key.pem";

        /// <summary>File name of the client certificate.</summary>
        public const string ClientCertificateFileName = "client-cert.pem";

        /// <summary>File name of the client private key.</summary>
        public const string ClientKeyFileName = "client-key.pem";

        /// <summary>Common name of the client certificate.</summary>
        public const string ClientCommonName = "swarmps-client";

        // Kept so that two processes creating the CA (or the client certificate) at once cannot mix two key pairs.
        private const string LockFileName = "ca.lock";

        private static readonly TimeSpan CaValidity = TimeSpan.FromDays(3653);
        private static readonly TimeSpan LeafValidity = TimeSpan.FromDays(825);
        private static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);
        private static readonly TimeSpan ClientRenewalWindow = TimeSpan.FromDays(30);

        private static readonly ConcurrentDictionary<string, object> DirectoryLocks =
            new ConcurrentDictionary<string, object>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

        private const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        private const UnixFileMode SecretFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        private const UnixFileMode PublicFileMode = SecretFileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

        private readonly X509Certificate2 caCertificate;
        private readonly ECDsa caKey;

        // ECDsa instances are not documented as thread-safe; engines may be provisioned in parallel with one CA.
        private readonly object caKeyLock = new object();

        private CertificateAuthority(string directoryPath, X509Certificate2 caCertificate, ECDsa caKey)
        {
            DirectoryPath = directoryPath;
            this.caCertificate = caCertificate;
            this.caKey = caKey;
            CertificatePem = caCertificate.ExportCertificatePem() + "\n";
        }

        /// <summary>The state directory holding the CA files.</summary>
        public string DirectoryPath { get; }

        /// <summary>The CA certificate, PEM: what Docker engines and clients trust (<c>tlscacert</c>).</summary>
        public string CertificatePem { get; }

        /// <summary>The CA's subject, such as <c>CN=SwarmPS CA 3fa9c2d1</c>.</summary>
        public string Subject => caCertificate.Subject;

        /// <summary>End of the CA's validity (UTC).</summary>
        public DateTimeOffset NotAfter => new DateTimeOffset(caCertificate.NotAfter.ToUniversalTime());

        /// <summary>
        /// Loads the CA from <paramref name="directory"/> without creating one: reaching engines needs the CA
        /// they trust, and a new one would be trusted by none.
        /// </summary>
        public static CertificateAuthority LoadExisting(string directory)
        {
            if (!File.Exists(Path.Combine(directory, CertificateFileName)))
            {
                throw new SwarmException("CertificateAuthorityMissing", SwarmErrorKind.ObjectNotFound,
                    $"There is no SwarmPS CA in {directory}, so no engine can be reached with mutual TLS. Run Enable-DockerTcpSocket first, or point $env:SWARMPS_STATE_DIR at the state directory that has the CA.", directory);
            }

            return LoadOrCreate(directory);
        }

        /// <summary>
        /// Loads the CA from <c>ca.pem</c> and <c>ca-key.pem</c> in <paramref name="directory"/>, or creates it there
        /// (directory 700, key 600 on Unix) when neither file exists. Safe to call from several processes at once.
        /// </summary>
        /// <exception cref="SwarmException">CertificateAuthorityIncomplete when only one of the two files exists; CertificateAuthorityInvalid when they cannot be read or do not belong together.</exception>
        public static CertificateAuthority LoadOrCreate(string directory)
        {
            if (string.IsNullOrWhiteSpace(directory))
            {
                throw new ArgumentException("A state directory is required.", nameof(directory));
            }

            string fullPath = Path.GetFullPath(directory);
            try
            {
                return LoadOrCreateIn(fullPath);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw AccessDenied(fullPath, ex);
            }
        }

        private static CertificateAuthority LoadOrCreateIn(string fullPath)
        {
            string certificatePath = Path.Combine(fullPath, CertificateFileName);
            string keyPath = Path.Combine(fullPath, KeyFileName);
            RequirePrivateState(fullPath);

            // Files are renamed into place key first, certificate last, so both present means both complete.
            if (File.Exists(certificatePath) && File.Exists(keyPath))
            {
                return Load(fullPath, certificatePath, keyPath);
            }

            lock (DirectoryLocks.GetOrAdd(fullPath, _ => new object()))
            {
                EnsurePrivateDirectory(fullPath);
                using FileStream fileLock = AcquireDirectoryLock(fullPath);
                bool certificateExists = File.Exists(certificatePath);
                bool keyExists = File.Exists(keyPath);
                if (certificateExists && keyExists)
                {
                    return Load(fullPath, certificatePath, keyPath);
                }

                if (certificateExists || keyExists)
                {
                    string missing = certificateExists ? keyPath : certificatePath;
                    string present = certificateExists ? certificatePath : keyPath;
                    throw new SwarmException(
                        "CertificateAuthorityIncomplete",
                        SwarmErrorKind.InvalidData,
                        $"The SwarmPS certificate authority in '{fullPath}' is incomplete: '{missing}' is missing but '{present}' exists. Restore the missing file from a backup, or move both files away to create a new CA (then every engine must be given new certificates).",
                        missing);
                }

                return Create(fullPath, certificatePath, keyPath);
            }
        }

        /// <summary>
        /// Issues a Docker engine certificate: valid 825 days (from 5 minutes ago, for clock skew, and never past the CA),
        /// serverAuth, digitalSignature, every DNS name and address in the subject alternative names.
        /// </summary>
        /// <param name="commonName">Subject CN, usually the host name (Go ignores it for verification; the SANs count).</param>
        /// <param name="dnsNames">DNS names clients will connect to; duplicates (ignoring case) are dropped.</param>
        /// <param name="addresses">IP addresses clients will connect to; duplicates are dropped.</param>
        public IssuedCertificate IssueServerCertificate(string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses)
        {
            if (string.IsNullOrWhiteSpace(commonName))
            {
                throw new ArgumentException("A common name is required.", nameof(commonName));
            }

            ArgumentNullException.ThrowIfNull(dnsNames);
            ArgumentNullException.ThrowIfNull(addresses);

            var uniqueNames = new List<string>();
            foreach (string name in dnsNames)
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    throw new ArgumentException("DNS names must not be empty.", nameof(dnsNames));
                }

                string trimmed = name.Trim();
                if (!uniqueNames.Contains(trimmed, StringComparer.OrdinalIgnoreCase))
                {
                    uniqueNames.Add(trimmed);
                }
            }

            var uniqueAddresses = new List<IPAddress>();
            foreach (IPAddress address in addresses)
            {
                ArgumentNullException.ThrowIfNull(address, nameof(addresses));
                IPAddress normalized = Normalize(address);
                if (!uniqueAddresses.Contains(normalized))
                {
                    uniqueAddresses.Add(normalized);
                }
            }

            if (uniqueNames.Count == 0 && uniqueAddresses.Count == 0)
            {
                // Go's crypto/tls ignores the CN, so a certificate without SANs could never be verified.
                throw new ArgumentException("A server certificate needs at least one DNS name or IP address.", nameof(dnsNames));
            }

            var alternativeNames = new SubjectAlternativeNameBuilder();
            foreach (string name in uniqueNames)
            {
                alternativeNames.AddDnsName(name);
            }

            foreach (IPAddress address in uniqueAddresses)
            {
                alternativeNames.AddIpAddress(address);
            }

            DateTimeOffset now = DateTimeOffset.UtcNow;
            return Issue(commonName.Trim(), alternativeNames.Build(), CaChain.ServerAuthentication, now - ClockSkewAllowance, now + LeafValidity);
        }

        /// <summary>
        /// Returns the client certificate from <c>client-cert.pem</c>/<c>client-key.pem</c>, issuing and saving a new one
        /// (key 600) when either file is missing or unreadable, the pair does not match, it was not issued by this CA,
        /// or it expires within 30 days. CN=swarmps-client, clientAuth.
        /// </summary>
        public IssuedCertificate LoadOrIssueClientCertificate()
        {
            try
            {
                return LoadOrIssueClientCertificateIn();
            }
            catch (UnauthorizedAccessException ex)
            {
                throw AccessDenied(DirectoryPath, ex);
            }
        }

        private IssuedCertificate LoadOrIssueClientCertificateIn()
        {
            string certificatePath = Path.Combine(DirectoryPath, ClientCertificateFileName);
            string keyPath = Path.Combine(DirectoryPath, ClientKeyFileName);
            RequirePrivateState(DirectoryPath);
            State.StatePermissions.RequirePrivateKeyFile(keyPath);
            IssuedCertificate? existing = TryLoadUsableClientCertificate(certificatePath, keyPath);
            if (existing is not null)
            {
                return existing;
            }

            lock (DirectoryLocks.GetOrAdd(DirectoryPath, _ => new object()))
            {
                EnsurePrivateDirectory(DirectoryPath);
                using FileStream fileLock = AcquireDirectoryLock(DirectoryPath);

                // Another process may have issued it while we waited for the lock.
                existing = TryLoadUsableClientCertificate(certificatePath, keyPath);
                if (existing is not null)
                {
                    return existing;
                }

                DateTimeOffset now = DateTimeOffset.UtcNow;
                IssuedCertificate issued = Issue(ClientCommonName, null, CaChain.ClientAuthentication, now - ClockSkewAllowance, now + LeafValidity);
                State.AtomicFile.Write(keyPath, issued.PrivateKeyPem, SecretFileMode, overwrite: true);
                State.AtomicFile.Write(certificatePath, issued.CertificatePem, PublicFileMode, overwrite: true);
                return issued;
            }
        }

        /// <summary>
        /// True when <paramref name="certificatePem"/> is signed by this CA (a look-alike CA with the same name does not pass),
        /// is valid now, and allows server authentication. False for anything unreadable.
        /// </summary>
        public bool IsServerCertificateFromThis(string certificatePem) => IsFromThis(certificatePem, CaChain.ServerAuthentication);

        /// <summary>As <see cref="IsServerCertificateFromThis"/>, for client authentication.</summary>
        internal bool IsClientCertificateFromThis(string certificatePem) => IsFromThis(certificatePem, CaChain.ClientAuthentication);

        /// <summary>
        /// True when the certificate names every DNS name and address in its subject alternative names
        /// (a <c>*.example.com</c> entry covers one label) and stays valid for at least <paramref name="minimumRemainingValidity"/>.
        /// False for anything unreadable.
        /// </summary>
        public static bool Covers(string certificatePem, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan minimumRemainingValidity)
        {
            return Covers(certificatePem, dnsNames, addresses, minimumRemainingValidity, DateTimeOffset.UtcNow);
        }

        /// <summary><see cref="Covers(string, IEnumerable{string}, IEnumerable{IPAddress}, TimeSpan)"/> at a given time, for tests.</summary>
        internal static bool Covers(string certificatePem, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan minimumRemainingValidity, DateTimeOffset now)
        {
            ArgumentNullException.ThrowIfNull(dnsNames);
            ArgumentNullException.ThrowIfNull(addresses);
            if (string.IsNullOrWhiteSpace(certificatePem))
            {
                return false;
            }

            try
            {
                using X509Certificate2 certificate = X509Certificate2.CreateFromPem(certificatePem);
                DateTimeOffset notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
                DateTimeOffset notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
                if (notBefore > now || notAfter - now < minimumRemainingValidity)
                {
                    return false;
                }

                // Go's crypto/tls ignores the CN, so only the SANs count.
                return dnsNames.All(name => NamesDnsName(certificate, name.Trim()))
                    && addresses.All(address => certificate.MatchesHostname(Normalize(address).ToString(), allowWildcards: false, allowCommonName: false));
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                return false;
            }
        }

        /// <summary>Signs a leaf certificate with this CA; internal so tests can issue certificates with chosen validity.</summary>
        internal IssuedCertificate Issue(string commonName, X509Extension? subjectAlternativeNames, Oid extendedKeyUsage, DateTimeOffset notBefore, DateTimeOffset notAfter)
        {
            if (NotAfter <= DateTimeOffset.UtcNow)
            {
                throw new SwarmException(
                    "CertificateAuthorityExpired",
                    SwarmErrorKind.InvalidData,
                    $"The SwarmPS certificate authority in '{DirectoryPath}' expired on {NotAfter:yyyy-MM-dd}. Move its files away to create a new CA, then give every engine new certificates.",
                    DirectoryPath);
            }

            // A certificate cannot outlive the CA that vouches for it.
            if (notAfter > NotAfter)
            {
                notAfter = NotAfter;
            }

            using ECDsa leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var subject = new X500DistinguishedNameBuilder();
            subject.AddCommonName(commonName);
            var request = new CertificateRequest(subject.Build(), leafKey, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));

            // ECDSA keys only sign (RFC 5480); keyEncipherment is an RSA usage.
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { extendedKeyUsage }, false));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(CaSubjectKeyIdentifier()));
            if (subjectAlternativeNames is not null)
            {
                request.CertificateExtensions.Add(subjectAlternativeNames);
            }

            X509SignatureGenerator signer = X509SignatureGenerator.CreateForECDsa(caKey);
            string certificatePem;
            lock (caKeyLock)
            {
                using X509Certificate2 certificate = request.Create(caCertificate.SubjectName, signer, notBefore, notAfter, NewSerialNumber());
                certificatePem = certificate.ExportCertificatePem() + "\n";
            }

            return new IssuedCertificate(certificatePem, leafKey.ExportPkcs8PrivateKeyPem() + "\n");
        }

        private static CertificateAuthority Create(string directory, string certificatePath, string keyPath)
        {
            ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var subject = new X500DistinguishedNameBuilder();
            subject.AddCommonName("SwarmPS CA " + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant());
            var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);

            // Path length 0: this CA signs only leaf certificates, never other CAs.
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

            DateTimeOffset now = DateTimeOffset.UtcNow;
            X509SignatureGenerator signer = X509SignatureGenerator.CreateForECDsa(key);
            X509Certificate2 certificate;
            using (X509Certificate2 signed = request.Create(subject.Build(), signer, now - ClockSkewAllowance, now + CaValidity, NewSerialNumber()))
            {
                // Keep only the public certificate in memory; the key lives in its own ECDsa object.
                certificate = X509Certificate2.CreateFromPem(signed.ExportCertificatePem());
            }

            State.AtomicFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n", SecretFileMode, overwrite: false);
            State.AtomicFile.Write(certificatePath, certificate.ExportCertificatePem() + "\n", PublicFileMode, overwrite: false);
            return new CertificateAuthority(directory, certificate, key);
        }

        private static CertificateAuthority Load(string directory, string certificatePath, string keyPath)
        {
            State.StatePermissions.RequirePrivateKeyFile(keyPath);
            X509Certificate2 certificate;
            ECDsa key = ECDsa.Create();
            try
            {
                certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
            }
            catch (CryptographicException ex)
            {
                throw Invalid(directory, certificatePath, $"'{certificatePath}' does not hold a PEM certificate ({ex.Message})", ex);
            }

            try
            {
                key.ImportFromPem(File.ReadAllText(keyPath));
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                throw Invalid(directory, keyPath, $"'{keyPath}' does not hold an ECDSA private key in PEM ({ex.Message})", ex);
            }

            using ECDsa? certificateKey = certificate.GetECDsaPublicKey();
            if (certificateKey is null || !certificateKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            {
                throw Invalid(directory, keyPath, $"'{keyPath}' is not the private key of the certificate in '{certificatePath}'", null);
            }

            X509BasicConstraintsExtension? constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
            if (constraints is null || !constraints.CertificateAuthority)
            {
                throw Invalid(directory, certificatePath, $"'{certificatePath}' is not a CA certificate", null);
            }

            return new CertificateAuthority(directory, certificate, key);
        }

        private static SwarmException AccessDenied(string directory, UnauthorizedAccessException ex)
        {
            return new SwarmException(
                "CertificateAuthorityAccessDenied",
                SwarmErrorKind.PermissionDenied,
                $"Cannot read or write the SwarmPS certificate authority in '{directory}': {ex.Message} Give your account access to that directory or use another state directory.",
                directory,
                ex);
        }

        private static SwarmException Invalid(string directory, string file, string reason, Exception? inner)
        {
            return new SwarmException(
                "CertificateAuthorityInvalid",
                SwarmErrorKind.InvalidData,
                $"The SwarmPS certificate authority in '{directory}' cannot be used: {reason}. Restore both CA files from a backup, or move them away to create a new CA (then every engine must be given new certificates).",
                file,
                inner);
        }

        private IssuedCertificate? TryLoadUsableClientCertificate(string certificatePath, string keyPath)
        {
            try
            {
                if (!File.Exists(certificatePath) || !File.Exists(keyPath))
                {
                    return null;
                }

                string certificatePem = File.ReadAllText(certificatePath);
                string keyPem = File.ReadAllText(keyPath);
                if (!IsClientCertificateFromThis(certificatePem))
                {
                    return null;
                }

                using X509Certificate2 certificate = X509Certificate2.CreateFromPem(certificatePem);
                using ECDsa? certificateKey = certificate.GetECDsaPublicKey();
                using ECDsa key = ECDsa.Create();
                key.ImportFromPem(keyPem);
                if (certificateKey is null || !certificateKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
                {
                    return null;
                }

                DateTimeOffset now = DateTimeOffset.UtcNow;
                if (certificate.NotBefore.ToUniversalTime() > now.UtcDateTime || certificate.NotAfter.ToUniversalTime() - now.UtcDateTime < ClientRenewalWindow)
                {
                    return null;
                }

                return new IssuedCertificate(certificatePem, keyPem);
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException)
            {
                // Unreadable or half-written: issue a fresh pair under the lock.
                return null;
            }
        }

        private bool IsFromThis(string certificatePem, Oid requiredUsage)
        {
            if (string.IsNullOrWhiteSpace(certificatePem))
            {
                return false;
            }

            try
            {
                using X509Certificate2 certificate = X509Certificate2.CreateFromPem(certificatePem);
                return CaChain.Verifies(caCertificate, certificate, requiredUsage);
            }
            catch (CryptographicException)
            {
                return false;
            }
        }

        private X509SubjectKeyIdentifierExtension CaSubjectKeyIdentifier()
        {
            X509SubjectKeyIdentifierExtension? existing = caCertificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault();
            return existing ?? new X509SubjectKeyIdentifierExtension(caCertificate.PublicKey, false);
        }

        // 16 random bytes, first byte in 0x40..0x7F: positive, minimally DER-encoded, 126 random bits.
        private static byte[] NewSerialNumber()
        {
            byte[] serial = RandomNumberGenerator.GetBytes(16);
            serial[0] = (byte)((serial[0] & 0x3F) | 0x40);
            return serial;
        }

        private static IPAddress Normalize(IPAddress address)
        {
            return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        }

        // MatchesHostname reads an address literal as an IP SAN; an address must be passed as an address, not a DNS name.
        private static bool NamesDnsName(X509Certificate2 certificate, string name)
        {
            return !IPAddress.TryParse(name, out _) && certificate.MatchesHostname(name, allowWildcards: true, allowCommonName: false);
        }

        // The CA folder and the state folder that holds it: whoever may write either can swap the CA.
        private static void RequirePrivateState(string directory)
        {
            State.StatePermissions.RequirePrivateFolder(directory);
            string? parent = Path.GetDirectoryName(directory);
            if (!string.IsNullOrEmpty(parent))
            {
                State.StatePermissions.RequirePrivateFolder(parent, allowSticky: true);
            }
        }

        private static void EnsurePrivateDirectory(string directory)
        {
            if (Directory.Exists(directory))
            {
                return;
            }

            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, PrivateDirectoryMode);
            }
        }

        private static FileStream AcquireDirectoryLock(string directory)
        {
            string lockPath = Path.Combine(directory, LockFileName);
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = SecretFileMode;
            }

            const int attempts = 100;
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return new FileStream(lockPath, options);
                }
                catch (IOException ex) when (ex.GetType() == typeof(IOException))
                {
                    if (attempt >= attempts)
                    {
                        throw new SwarmException(
                            "CertificateAuthorityBusy",
                            SwarmErrorKind.ResourceUnavailable,
                            $"Another SwarmPS process kept '{lockPath}' locked for more than 10 seconds. Wait for it to finish and try again.",
                            lockPath,
                            ex);
                    }

                    Thread.Sleep(100);
                }
            }
        }
    }
}
