using System;
using System.Text.RegularExpressions;

namespace SwarmPS.Engine.Registry
{
    /// <summary>
    /// An image reference split as Docker's reference grammar splits it: registry, repository path, tag and digest.
    /// A first component with a dot or a colon, or "localhost", names a registry; anything else is on Docker Hub,
    /// where a one-component name lives under library/.
    /// </summary>
    public sealed class ImageReference
    {
        public const string DockerHub = "docker.io";

        /// <summary>The key Docker's config.json files Docker Hub's login under.</summary>
        public const string DockerHubAuthKey = "https://index.docker.io/v1/";

        private static readonly Regex PathComponent = new Regex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$", RegexOptions.CultureInvariant);
        private static readonly Regex TagPattern = new Regex(@"^[\w][\w.-]{0,127}$", RegexOptions.CultureInvariant);
        private static readonly Regex DigestPattern = new Regex("^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$", RegexOptions.CultureInvariant);
        private static readonly Regex DomainPattern = new Regex(@"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$", RegexOptions.CultureInvariant);

        private ImageReference(string registry, string path, string? tag, string? digest)
        {
            Registry = registry;
            Path = path;
            Tag = tag;
            Digest = digest;
        }

        /// <summary>docker.io, or the registry's host[:port].</summary>
        public string Registry { get; }

        /// <summary>The repository inside the registry, such as library/mysql.</summary>
        public string Path { get; }

        /// <summary>The tag; null when none was given (Docker then means latest, unless a digest is given).</summary>
        public string? Tag { get; }

        /// <summary>sha256:..., when the reference is pinned.</summary>
        public string? Digest { get; }

        public bool IsDockerHub => Registry == DockerHub;

        /// <summary>Where a login for this registry is filed, as the Docker CLI files it.</summary>
        public string AuthKey => IsDockerHub ? DockerHubAuthKey : Registry;

        /// <summary>The name as users write it: no docker.io/ or library/ prefix.</summary>
        public string FamiliarName
        {
            get
            {
                if (!IsDockerHub)
                {
                    return Registry + "/" + Path;
                }

                return Path.StartsWith("library/", StringComparison.Ordinal) && Path.IndexOf('/', 8) < 0 ? Path.Substring(8) : Path;
            }
        }

        /// <summary>name:tag, with latest when no tag and no digest was given.</summary>
        public string FamiliarTagged => FamiliarName + ":" + (Tag ?? "latest");

        /// <summary>The reference swarm runs: name:tag@digest, as docker service create pins it.</summary>
        public string PinnedTo(string digest) => FamiliarTagged + "@" + digest;

        /// <summary>Parses an image reference; a reference Docker would refuse is ImageInvalid, with the rule it breaks.</summary>
        public static ImageReference Parse(string image)
        {
            string text = (image ?? string.Empty).Trim();
            if (text.Length == 0)
            {
                throw Invalid(image, "it is empty");
            }

            string? digest = null;
            int at = text.IndexOf('@');
            if (at >= 0)
            {
                digest = text.Substring(at + 1);
                text = text.Substring(0, at);
                if (!DigestPattern.IsMatch(digest))
                {
                    throw Invalid(image, $"'{digest}' is not a digest (sha256: and 64 hex digits)");
                }
            }

            string? tag = null;
            int colon = text.LastIndexOf(':');
            if (colon > text.LastIndexOf('/'))
            {
                tag = text.Substring(colon + 1);
                text = text.Substring(0, colon);
                if (!TagPattern.IsMatch(tag))
                {
                    throw Invalid(image, $"'{tag}' is not a tag (letters, digits, '_', '.' and '-', up to 128, not starting with '.' or '-')");
                }
            }

            string registry = DockerHub;
            string path = text;
            int slash = text.IndexOf('/');
            if (slash > 0)
            {
                string first = text.Substring(0, slash);
                if (first.IndexOf('.') >= 0 || first.IndexOf(':') >= 0 || first == "localhost")
                {
                    if (!DomainPattern.IsMatch(first))
                    {
                        throw Invalid(image, $"'{first}' is not a registry host[:port]");
                    }

                    registry = first;
                    path = text.Substring(slash + 1);
                }
            }

            if (registry == "index.docker.io")
            {
                registry = DockerHub;
            }

            foreach (string component in path.Split('/'))
            {
                if (!PathComponent.IsMatch(component))
                {
                    throw Invalid(image, $"'{component}' is not a repository name component (lower-case letters and digits, separated by '.', '_', '__' or '-')");
                }
            }

            if (registry == DockerHub && path.IndexOf('/') < 0)
            {
                path = "library/" + path;
            }

            return new ImageReference(registry, path, tag, digest);
        }

        public override string ToString() => FamiliarName + (Tag != null ? ":" + Tag : string.Empty) + (Digest != null ? "@" + Digest : string.Empty);

        private static SwarmException Invalid(string? image, string why) => new SwarmException("ImageInvalid", SwarmErrorKind.InvalidArgument,
            $"'{image}' is not an image reference: {why}. Write it as [registry/]name[:tag][@digest], for example mysql:8 or registry.example.com:5000/team/app:1.2.", image);
    }
}
