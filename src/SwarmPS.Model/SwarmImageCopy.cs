using System.Collections.Generic;

namespace SwarmPS
{
    /// <summary>What Copy-SwarmImage did with one image on one node: loaded it, or found it there already.</summary>
    public sealed class SwarmImageCopy
    {
        public SwarmImageCopy(string node, string image, string imageId, IReadOnlyList<string> repoTags, bool changed, long bytes, string source)
        {
            Node = node;
            Image = image;
            ImageId = imageId;
            RepoTags = repoTags;
            Changed = changed;
            Bytes = bytes;
            Source = source;
        }

        /// <summary>The node's hostname.</summary>
        public string Node { get; }

        /// <summary>The image's first tag, or its short id when it has none.</summary>
        public string Image { get; }

        /// <summary>sha256:… (the digest of the image's config), the same on every node.</summary>
        public string ImageId { get; }

        /// <summary>Every tag the archive gives the image.</summary>
        public IReadOnlyList<string> RepoTags { get; }

        /// <summary>True when the image was loaded onto the node; false when the node had it already, with every tag.</summary>
        public bool Changed { get; }

        /// <summary>Bytes of the archive sent to the node (0 when nothing was sent).</summary>
        public long Bytes { get; }

        /// <summary>The archive the image came from, or the local engine's image it was exported from.</summary>
        public string Source { get; }

        public override string ToString() => $"{Image}@{Node}";
    }
}
