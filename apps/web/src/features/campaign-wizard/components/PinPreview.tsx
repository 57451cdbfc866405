import { useState } from 'react';

/** The promoted pin as people will see it in their feed. */
export function PinPreview({ imageUrl, title, description, link }: { imageUrl: string; title: string; description: string; link: string }) {
  const [failed, setFailed] = useState<string | null>(null);
  let domain = '';
  try {
    domain = new URL(link).hostname;
  } catch {
    domain = '';
  }
  const showImage = imageUrl.trim() !== '' && failed !== imageUrl;
  return (
    <figure className="pin-preview" aria-label="Pin preview">
      <div className="pin-preview__image">
        {showImage ? (
          <img src={imageUrl} alt={title || 'Pin image'} onError={() => setFailed(imageUrl)} />
        ) : (
          <span className="muted">{imageUrl ? 'The image could not be loaded from this address.' : 'Your image appears here.'}</span>
        )}
      </div>
      <figcaption>
        <strong className="pin-preview__title">{title || 'Pin title'}</strong>
        {description && <p className="pin-preview__description">{description}</p>}
        <p className="muted">Promoted{domain ? ` · ${domain}` : ''}</p>
      </figcaption>
    </figure>
  );
}
