using System;
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

        /// <summary>Accepts a server certificate only when it chains to the SwarmPS CA and names the host we dialled.</summary>
        internal bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (certificate == null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return false;
            }

            using var server = new X509Certificate2(certificate);
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.Add(authority);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            custom.ChainPolicy.VerificationTime = DateTime.Now;
            return custom.Build(server);
        }
    }
}
