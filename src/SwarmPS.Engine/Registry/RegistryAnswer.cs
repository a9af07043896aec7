using System;
using System.Net;

namespace SwarmPS.Engine.Registry
{
    /// <summary>What the registry said when an engine asked it for an image's manifest.</summary>
    public enum RegistryVerdict
    {
        /// <summary>The registry has the image: <see cref="RegistryAnswer.Digest"/> pins it.</summary>
        Found,

        /// <summary>The registry answered that it has no such repository or tag.</summary>
        NotFound,

        /// <summary>The registry wants a login, or refused the one sent (Docker Hub also says this of a repository that does not exist).</summary>
        Unauthorized,

        /// <summary>The registry could not be reached or gave no usable answer.</summary>
        Unreachable,
    }

    /// <summary>The engine's answer to GET /distribution/{image}/json, as a verdict and the registry's own words.</summary>
    public sealed class RegistryAnswer
    {
        private RegistryAnswer(RegistryVerdict verdict, string? digest, string message)
        {
            Verdict = verdict;
            Digest = digest;
            Message = message;
        }

        public RegistryVerdict Verdict { get; }

        public string? Digest { get; }

        /// <summary>The engine's message, as it came (it names the registry and says what the registry answered).</summary>
        public string Message { get; }

        public static RegistryAnswer Found(string digest) => new RegistryAnswer(RegistryVerdict.Found, digest, string.Empty);

        /// <summary>
        /// Classifies a failed answer. The engine answers 404 for a missing manifest and 401 for a refused login, but 500
        /// for everything it could not do itself, such as a missing login ("no basic auth credentials") or an unreachable
        /// registry, so the message decides as much as the status.
        /// </summary>
        public static RegistryAnswer Failed(HttpStatusCode status, string message)
        {
            string text = message ?? string.Empty;
            RegistryVerdict verdict;
            if (status == HttpStatusCode.NotFound || Has(text, "manifest unknown") || Has(text, "name unknown") || Has(text, "not found"))
            {
                verdict = RegistryVerdict.NotFound;
            }
            else if (status == HttpStatusCode.Unauthorized || status == HttpStatusCode.Forbidden || Has(text, "unauthorized")
                || Has(text, "no basic auth credentials") || Has(text, "authentication required") || Has(text, "denied"))
            {
                verdict = RegistryVerdict.Unauthorized;
            }
            else
            {
                verdict = RegistryVerdict.Unreachable;
            }

            return new RegistryAnswer(verdict, null, text.Trim());
        }

        private static bool Has(string text, string part) => text.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0;
    }
}
