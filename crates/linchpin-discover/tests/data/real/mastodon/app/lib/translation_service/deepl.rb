# frozen_string_literal: true

class TranslationService::DeepL < TranslationService
  def initialize(plan, api_key)
    super()
    @plan = plan
    @api_key = api_key
  end

  private

  def base_url
    @plan == 'free' ? 'https://api-free.deepl.com' : 'https://api.deepl.com'
  end
end
