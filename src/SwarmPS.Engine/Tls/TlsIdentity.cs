using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SwarmPS.Engine.Tls
{
    /// <summary>The client certificate SwarmPS presents and the CA it trusts, and nothing else, for engine endpoints.</summary>
    public sealed class TlsIdentity
    {
        private readonly X509Certificate2 authority;

        public TlsIdentity(string caCertificatePem, string clientCertificatePem, string clientKeyPem)
        {
            authority = X509Certificate2.CreateFromPem(caCertificatePem);
            ClientCertificate = X509Certificate2.CreateFromPem(clientCertificatePem, clientKeyPem);
        }

        public X509Certificate2 ClientCertificate { get; }

        /// <summary>The identity in the SwarmPS state directory; fails clearly when no CA was made there yet.</summary>
        public static TlsIdentity FromStateDirectory() => FromAuthority(CertificateAuthority.LoadExisting(State.SwarmPaths.TlsDirectory));

        public static TlsIdentity FromAuthority(CertificateAuthority ca)
        {
            IssuedCertificate client = ca.LoadOrIssueClientCertificate();
            return new TlsIdentity(ca.CertificatePem, client.CertificatePem, client.PrivateKeyPem);
        }

        /// <summary>
        /// Accepts a server certificate only when it chains to the SwarmPS CA, allows server authentication, and names
        /// the host we dialled. The chain errors TLS reports are ignored: they come from the machine's roots, which do not hold our CA.
        /// </summary>
        internal bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (certificate == null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return false;
            }

            using var server = new X509Certificate2(certificate);
            return CaChain.Verifies(authority, server, CaChain.ServerAuthentication);
        }
    }
}
